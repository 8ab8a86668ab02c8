namespace Groove.IO.Datasets;

/// <summary>One track of a <see cref="Dataset"/>: its name, audio file (if any) and annotation files by kind.</summary>
/// <param name="Name">The file name stem shared by the audio and its annotations.</param>
/// <param name="AudioPath">The audio file, or null when the dataset has annotations only.</param>
/// <param name="Annotations">Annotation file per kind ("beats", "tempo", "key", "jams", ...).</param>
public sealed record DatasetTrack(string Name, string? AudioPath, IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>The annotation file of a kind, falling back to the track's JAMS file (which can hold any kind).</summary>
    public string? AnnotationPath(string kind) =>
        Annotations.TryGetValue(kind, out var p) ? p : Annotations.TryGetValue("jams", out var j) ? j : null;
}
