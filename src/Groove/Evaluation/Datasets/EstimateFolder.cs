using Groove.IO.Datasets;

namespace Groove.Evaluation.Datasets;

/// <summary>
/// A folder of estimates from some tool, one file per track named after the track (<c>NAME.beats</c>,
/// <c>NAME.beats.txt</c>, <c>NAME.bpm</c>, <c>NAME.txt</c>, <c>NAME.jams</c>...): lets any tool's outputs be
/// scored against a dataset.
/// </summary>
public sealed class EstimateFolder
{
    private readonly StemIndex _index;

    public EstimateFolder(string folder, string? name = null)
    {
        if (!Directory.Exists(folder))
            throw new GrooveException(File.Exists(folder) ? $"{folder}: estimates must be a folder, and this is a file" : $"{folder}: no such folder");
        _index = new StemIndex(folder);
        Folder = folder;
        Name = name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
    }

    public string Folder { get; }

    /// <summary>Label of these estimates in reports (the folder's name by default).</summary>
    public string Name { get; }

    /// <summary>The estimate file of a track for an annotation kind ("beats", "tempo", "key"); throws <see cref="GrooveException"/> when there is none.</summary>
    public string FileFor(string trackName, string kind) =>
        _index.Find(trackName, kind) ?? throw new GrooveException($"no {kind} estimate for {trackName} in {Folder}");
}
