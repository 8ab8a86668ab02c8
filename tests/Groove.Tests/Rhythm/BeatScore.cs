using System.Globalization;

namespace Groove.Tests.Rhythm;

/// <summary>
/// Test-side beat scoring until the Evaluation library lands: mir_eval's beat F-measure (±70 ms, one-to-one
/// matching; for sorted beats the greedy in-time matching is a maximum matching) and beat-file reading.
/// </summary>
internal static class BeatScore
{
    public static double FMeasure(IReadOnlyList<double> reference, IReadOnlyList<double> estimate, double window = 0.07)
    {
        if (reference.Count == 0 || estimate.Count == 0) return 0;
        int i = 0, j = 0, matches = 0;
        while (i < reference.Count && j < estimate.Count)
        {
            double d = estimate[j] - reference[i];
            if (Math.Abs(d) <= window) { matches++; i++; j++; }
            else if (d < 0) j++;
            else i++;
        }
        double p = (double)matches / estimate.Count, r = (double)matches / reference.Count;
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /// <summary>mir_eval.beat.trim_beats: drop beats before 5 s.</summary>
    public static double[] Trim(IEnumerable<double> beats, double from = 5.0) => beats.Where(b => b >= from).ToArray();

    /// <summary>First column of a whitespace-separated beat file.</summary>
    public static double[] ReadTimes(string path) =>
        File.ReadAllLines(path)
            .Select(l => l.Split((char[])[' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length > 0)
            .Select(p => double.Parse(p[0], CultureInfo.InvariantCulture))
            .ToArray();
}
