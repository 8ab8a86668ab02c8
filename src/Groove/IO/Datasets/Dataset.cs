namespace Groove.IO.Datasets;

/// <summary>
/// A folder of audio with annotation folders beside it, one file per track named after the audio file:
/// <code>
/// DIR/audio/blues.00000.wav   DIR/beats/blues.00000.beats   DIR/tempo/blues.00000.bpm   DIR/key/blues.00000.lerch
/// </code>
/// Every sub-folder other than <c>audio</c> is an annotation kind named by the folder ("beats", "downbeats",
/// "tempo", "key", "jams", ...; a few other datasets' folder names are understood, such as Harmonix's
/// <c>beats_and_downbeats</c>). Audio files may also lie directly in DIR. Without audio, the tracks are those
/// with beat annotations (or, failing that, any annotation), which is enough to score estimates from a folder.
/// </summary>
public sealed class Dataset
{
    /// <summary>Extensions taken as audio.</summary>
    public static readonly IReadOnlySet<string> AudioExtensions = AudioFileNames.Extensions;

    /// <summary>Folder names that other datasets use for a kind (Harmonix's <c>beats_and_downbeats</c>, ...).</summary>
    private static readonly Dictionary<string, string> KindAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["beats_and_downbeats"] = "beats", ["beat"] = "beats", ["annotations_beats"] = "beats",
        ["bpm"] = "tempo", ["tempi"] = "tempo", ["keys"] = "key",
    };

    private Dataset(string root, IReadOnlyList<DatasetTrack> tracks, IReadOnlyList<string> kinds)
    {
        Root = root;
        Tracks = tracks;
        AnnotationKinds = kinds;
    }

    public string Root { get; }
    public IReadOnlyList<DatasetTrack> Tracks { get; }
    public IReadOnlyList<string> AnnotationKinds { get; }

    /// <summary>Lists the tracks of the dataset in <paramref name="folder"/>, sorted by name.</summary>
    public static Dataset Open(string folder)
    {
        if (!Directory.Exists(folder))
            throw new GrooveException(File.Exists(folder) ? $"{folder}: a dataset is a folder, and this is a file" : $"{folder}: no such folder");
        var root = Path.GetFullPath(folder);
        var audio = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var dir in new[] { Path.Combine(root, "audio"), root })
            if (Directory.Exists(dir))
                foreach (var f in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
                    if (AudioExtensions.Contains(Path.GetExtension(f)) && !Path.GetFileName(f).StartsWith('.'))
                        audio.TryAdd(Path.GetFileNameWithoutExtension(f), f);

        var kinds = new List<string>();
        var indexes = new Dictionary<string, StemIndex>();
        foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var kind = Path.GetFileName(dir).ToLowerInvariant();
            if (kind == "audio" || kind.StartsWith('.')) continue;
            if (KindAliases.TryGetValue(kind, out var alias) && !Directory.Exists(Path.Combine(root, alias))) kind = alias;
            kinds.Add(kind);
            indexes[kind] = new StemIndex(dir);
        }

        IEnumerable<string> names;
        if (audio.Count > 0) names = audio.Keys;
        else if (indexes.TryGetValue("beats", out var beats)) names = StemIndex.PrimaryStems(beats.Folder);
        else names = indexes.Values.SelectMany(i => StemIndex.PrimaryStems(i.Folder));
        var tracks = new List<DatasetTrack>();
        foreach (var name in names.Distinct().Order(StringComparer.Ordinal))
        {
            var annotations = new Dictionary<string, string>();
            foreach (var (kind, index) in indexes)
                if (index.Find(name, kind) is { } path) annotations[kind] = path;
            tracks.Add(new DatasetTrack(name, audio.GetValueOrDefault(name), annotations));
        }
        if (tracks.Count == 0) throw new GrooveException($"{folder}: no tracks (expected audio/ and annotation folders such as beats/)");
        return new Dataset(root, tracks, kinds);
    }
}
