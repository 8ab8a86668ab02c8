using System.Globalization;

namespace Groove.Training;

/// <summary>
/// A tab-separated training log (<c>step loss lr_factor seconds</c>, one line per step). Opening it for a run that
/// resumes at step s drops lines after s, so the log always matches the checkpoint it belongs to.
/// </summary>
public sealed class TrainingLog : IDisposable
{
    private readonly StreamWriter _writer;

    public TrainingLog(string path, long resumedStep)
    {
        var keep = new List<string>();
        if (File.Exists(path))
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith('#') || line.StartsWith("step", StringComparison.Ordinal)) continue;
                int tab = line.IndexOf('\t');
                if (tab > 0 && long.TryParse(line.AsSpan(0, tab), NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) && s <= resumedStep)
                    keep.Add(line);
            }
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir != null) Directory.CreateDirectory(dir);
        _writer = new StreamWriter(path, append: false) { AutoFlush = true };
        _writer.WriteLine("step\tloss\tlr_factor\tseconds");
        foreach (var l in keep) _writer.WriteLine(l);
    }

    /// <summary>Appends one step.</summary>
    public void Write(long step, float loss, float lrFactor, double seconds) =>
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{step}\t{loss:R}\t{lrFactor:R}\t{seconds:F2}"));

    public void Dispose() => _writer.Dispose();
}
