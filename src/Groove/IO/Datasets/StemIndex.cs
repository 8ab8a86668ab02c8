namespace Groove.IO.Datasets;

/// <summary>
/// Finds a track's file in a folder by the track's name (its stem): "blues.00000" matches "blues.00000.beats",
/// "blues.00000.beats.txt" (madmom's detection suffix) or "blues.00000.jams". When a folder holds several kinds
/// (madmom writes <c>NAME.beats.txt</c> and <c>NAME.bpm.txt</c> side by side), files whose suffix names the wanted
/// kind win, files naming another kind are never taken, and otherwise the shortest suffix wins.
/// </summary>
internal sealed class StemIndex
{
    private static readonly Dictionary<string, string[]> KindTokens = new()
    {
        ["beats"] = [".beats", ".beat"],
        ["downbeats"] = [".downbeats"],
        ["tempo"] = [".bpm", ".tempo"],
        ["key"] = [".key", ".lerch"],
        ["onsets"] = [".onsets"],
        ["genre"] = [".genre"],
    };

    private readonly Dictionary<string, List<(string Suffix, string File)>> _byStem = new(StringComparer.Ordinal);

    public StemIndex(string folder)
    {
        Folder = folder;
        foreach (var f in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(f);
            if (name.StartsWith('.')) continue;
            for (int dot = name.IndexOf('.', 1); dot > 0; dot = name.IndexOf('.', dot + 1))
                Add(name[..dot], name[dot..], f);
            Add(name, "", f);
        }
        foreach (var list in _byStem.Values) list.Sort((a, b) => a.Suffix.Length.CompareTo(b.Suffix.Length));
    }

    private void Add(string stem, string suffix, string file)
    {
        if (!_byStem.TryGetValue(stem, out var list)) _byStem[stem] = list = [];
        list.Add((suffix, file));
    }

    public string Folder { get; }

    /// <summary>The file for <paramref name="stem"/>, preferring files whose suffix names <paramref name="kind"/>.</summary>
    public string? Find(string stem, string? kind = null)
    {
        if (!_byStem.TryGetValue(stem, out var list)) return null;
        if (kind is null || !KindTokens.TryGetValue(kind, out var wanted)) return list[0].File;
        foreach (var c in list)
            if (Mentions(c.Suffix, wanted)) return c.File;
        foreach (var c in list)
            if (!KindTokens.Where(k => k.Key != kind).Any(k => Mentions(c.Suffix, k.Value))) return c.File;
        return null;
    }

    private static bool Mentions(string suffix, string[] tokens) =>
        tokens.Any(t => suffix.StartsWith(t, StringComparison.OrdinalIgnoreCase) &&
                        (suffix.Length == t.Length || suffix[t.Length] == '.'));

    /// <summary>The track names of the files: each name without a known double suffix (".beats.txt") or its last extension.</summary>
    public static IEnumerable<string> PrimaryStems(string folder) =>
        Directory.GetFiles(folder).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Select(n => StripKnownSuffix(n!));

    internal static string StripKnownSuffix(string name)
    {
        foreach (var s in new[] { ".beats.txt", ".bpm.txt", ".key.txt", ".downbeats.txt", ".onsets.txt" })
            if (name.EndsWith(s, StringComparison.OrdinalIgnoreCase)) return name[..^s.Length];
        return Path.GetFileNameWithoutExtension(name);
    }
}
