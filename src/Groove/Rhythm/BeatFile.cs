using System.Globalization;
using System.Text;

namespace Groove.Rhythm;

/// <summary>
/// The <c>.beats</c> text format: one beat per line, <c>time&lt;TAB&gt;beat-in-bar</c>, time in seconds with three
/// decimals, beat-in-bar 1 on downbeats and 0 where the position in the bar is unknown.
/// </summary>
public static class BeatFile
{
    public static string Format(IEnumerable<Beat> beats)
    {
        var sb = new StringBuilder();
        foreach (var b in beats)
            sb.Append(b.Time.ToString("F3", CultureInfo.InvariantCulture)).Append('\t')
              .Append(b.BeatInBar.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Reads a beat file: the first column is the time, an optional second column the beat in the bar.</summary>
    public static Beat[] Read(string path)
    {
        var beats = new List<Beat>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            var parts = line.Split((char[])[' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0 || parts[0].StartsWith('#')) continue;
            if (!double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var time))
                throw new GrooveException($"{path}:{lineNo}: not a beat time: '{parts[0]}'");
            int bar = 0;
            if (parts.Length > 1 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var b)) bar = (int)b;
            beats.Add(new Beat(time, bar));
        }
        return [.. beats];
    }
}
