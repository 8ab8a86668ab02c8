using System.Globalization;

namespace Groove.IO.Annotations;

/// <summary>
/// Reads the Hainsworth dataset's single <c>data.txt</c> (S. Hainsworth, "Techniques for the automated analysis of
/// musical audio", PhD thesis, Cambridge, 2004): after a header, one line per excerpt with fields separated by
/// <c>&lt;sep&gt;</c>: file, artist, title, tempo, style, big style, tempo condition, difficulty, subdivision,
/// second tempo, beats, downbeats. Beats are comma-separated sample positions at 44.1 kHz; downbeats are either
/// sample positions of beats or 1-based beat numbers (both occur in copies of the file), recognised per line.
/// </summary>
public static class HainsworthDataFile
{
    /// <summary>One excerpt: its audio file name without extension, beats (with bar positions where downbeats are given) and tempo.</summary>
    public sealed record Entry(string Name, IReadOnlyList<Beat> Beats, double Tempo);

    public const double SampleRate = 44100;

    public static IReadOnlyList<Entry> Read(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (FileNotFoundException) { throw new GrooveException($"{path}: no such file"); }
        catch (DirectoryNotFoundException) { throw new GrooveException($"{path}: no such file"); }
        var entries = new List<Entry>();
        for (int i = 0; i < lines.Length; i++)
        {
            var fields = lines[i].Split("<sep>", StringSplitOptions.TrimEntries);
            if (fields.Length < 11) continue; // header and notes
            var samples = Numbers(fields[10]);
            if (samples is null || samples.Count == 0) continue; // e.g. the column-title line
            var downbeats = fields.Length > 11 ? Numbers(fields[11]) : null;
            var positions = BarPositions(samples, downbeats);
            var beats = new List<Beat>(samples.Count);
            for (int k = 0; k < samples.Count; k++) beats.Add(new Beat(samples[k] / SampleRate, positions[k]));
            double tempo = double.TryParse(fields[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : 0;
            entries.Add(new Entry(Path.GetFileNameWithoutExtension(fields[0]), beats, tempo));
        }
        if (entries.Count == 0) throw new GrooveException($"{path}: no Hainsworth entries ('<sep>'-separated lines with beats) found");
        return entries;
    }

    private static List<double>? Numbers(string field)
    {
        var result = new List<double>();
        foreach (var token in field.Split([',', ' ', '\t', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return null;
            result.Add(v);
        }
        return result;
    }

    /// <summary>Beat-in-bar numbers counted from the downbeats; zeros when the downbeats are missing or unrecognised.</summary>
    private static int[] BarPositions(List<double> beatSamples, List<double>? downbeats)
    {
        var positions = new int[beatSamples.Count];
        if (downbeats is null || downbeats.Count == 0) return positions;
        var isDownbeat = new bool[beatSamples.Count];
        var sampleSet = new HashSet<double>(beatSamples);
        if (downbeats.All(sampleSet.Contains))
        {
            for (int k = 0; k < beatSamples.Count; k++) isDownbeat[k] = downbeats.Contains(beatSamples[k]);
        }
        else if (downbeats.All(d => d == Math.Round(d) && d >= 1 && d <= beatSamples.Count))
        {
            foreach (var d in downbeats) isDownbeat[(int)d - 1] = true;
        }
        else return positions;

        int first = Array.IndexOf(isDownbeat, true);
        // Beats before the first downbeat count back from the bar length that follows it.
        int barLength = 0;
        for (int k = first + 1; k < isDownbeat.Length; k++) if (isDownbeat[k]) { barLength = k - first; break; }
        int position = 0;
        for (int k = 0; k < positions.Length; k++)
        {
            if (isDownbeat[k]) position = 1;
            else if (position > 0) position++;
            positions[k] = position;
        }
        if (barLength > 0)
            for (int k = 0; k < first; k++) positions[k] = ((barLength - (first - k)) % barLength + barLength) % barLength + 1;
        return positions;
    }
}
