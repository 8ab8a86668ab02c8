using System.Globalization;

namespace Groove.IO.Annotations;

/// <summary>
/// Reads beat annotations: plain text with one beat per line, "time [position [...]]" (mir_eval/madmom
/// <c>.beats</c>, GTZAN-Rhythm, SMC's one-column beat times, Harmonix's "time beat bar"), where the position is the
/// beat in the bar (1 = downbeat) or Ballroom's "bar.beat" (9.3 = third beat of bar 9); or JAMS files
/// (<c>.jams</c>, namespaces beat and beat_position).
/// </summary>
public static class BeatAnnotations
{
    /// <summary>Beats sorted by time; BeatInBar is 0 where the file gives no bar position.</summary>
    public static List<Beat> Read(string path)
    {
        if (path.EndsWith(".jams", StringComparison.OrdinalIgnoreCase)) return JamsAnnotations.ReadBeats(path);
        var beats = new List<Beat>();
        foreach (var (line, fields) in AnnotationText.Rows(path))
        {
            double time = AnnotationText.Number(fields[0], path, line);
            if (!double.IsFinite(time)) throw new GrooveException($"{path}:{line}: beat time '{fields[0]}' is not a finite number");
            int position = fields.Length > 1 ? ParsePosition(fields[1], path, line) : 0;
            beats.Add(new Beat(time, position));
        }
        beats.Sort((a, b) => a.Time.CompareTo(b.Time));
        return beats;
    }

    /// <summary>Only the beat times, sorted.</summary>
    public static double[] ReadTimes(string path) => Read(path).Select(b => b.Time).ToArray();

    /// <summary>
    /// The beat-in-bar of the second column: an integer ("3"), a float-formatted integer ("3.0", "3.000e+00"), or
    /// Ballroom's "bar.beat" ("9.3" → 3).
    /// </summary>
    internal static int ParsePosition(string token, string path, int line)
    {
        if (int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)) return Math.Max(0, i);
        int dot = token.IndexOf('.');
        if (dot > 0 && token.IndexOfAny(['e', 'E']) < 0 && dot < token.Length - 1
            && int.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && int.TryParse(token.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var beat) && beat > 0)
            return beat; // "bar.beat"
        double v = AnnotationText.Number(token, path, line);
        if (double.IsFinite(v) && v == Math.Round(v) && v >= 0 && v < 1000) return (int)v;
        if (double.IsNaN(v)) return 0;
        throw new GrooveException($"{path}:{line}: '{token}' is not a beat position (an integer or bar.beat)");
    }

    /// <summary>
    /// Writes beats as "time TAB beat-in-bar" lines (the .beats format <c>groove beats</c>, the web app and
    /// <c>groove decode</c> write). Times have <paramref name="decimals"/> decimals; the position column is left out
    /// when every position is unknown, unless <paramref name="alwaysWritePositions"/> (then 0 = unknown).
    /// </summary>
    public static string Format(IEnumerable<Beat> beats, int decimals = 6, bool alwaysWritePositions = false)
    {
        var list = beats as IReadOnlyCollection<Beat> ?? beats.ToList();
        bool positions = alwaysWritePositions || list.Any(b => b.BeatInBar != 0);
        string timeFormat = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        var sb = new System.Text.StringBuilder();
        foreach (var b in list)
        {
            sb.Append(b.Time.ToString(timeFormat, CultureInfo.InvariantCulture));
            if (positions) sb.Append('\t').Append(b.BeatInBar.ToString(CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
