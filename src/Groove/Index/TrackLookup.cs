namespace Groove.Index;

/// <summary>How a user names an indexed track: its path, or a file name (with or without extension) that matches exactly one track.</summary>
public static class TrackLookup
{
    /// <summary>
    /// The track of <paramref name="index"/> (with a vector of the index's model) that <paramref name="name"/> names,
    /// or null when none does.
    /// </summary>
    /// <exception cref="GrooveException">The file name matches several tracks and is not itself a file.</exception>
    public static IndexedTrack? Find(ITrackIndex index, VectorSearch search, string name)
    {
        var byPath = index.Get(name);
        if (byPath?.Vector is not null && byPath.Model == index.Model) return byPath;
        var matches = search.Ids.Where(p => Path.GetFileName(p) == name || Path.GetFileNameWithoutExtension(p) == name).ToList();
        if (matches.Count > 1 && !File.Exists(name)) throw new GrooveException($"{name}: {matches.Count} indexed tracks have this name; give the full path");
        return matches.Count == 1 ? index.Get(matches[0]) : null;
    }
}
