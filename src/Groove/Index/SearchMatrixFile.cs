namespace Groove.Index;

/// <summary>
/// A library index's search matrix saved to a file and memory-mapped (<see cref="VectorSearch.OpenMapped"/>): built
/// from the index when the file is absent, or stale — its stamp (the index's <see cref="ITrackIndex.Revision"/> and
/// the precision) no longer matches — and mapped as it is otherwise, without reading a vector from the index.
/// </summary>
public static class SearchMatrixFile
{
    /// <summary>The search over <paramref name="index"/>'s vectors, mapped from <paramref name="path"/> (rebuilt there first when needed).</summary>
    public static VectorSearch Open(ITrackIndex index, string path, VectorPrecision precision)
    {
        var stamp = $"{index.Revision()}|{precision}";
        if (File.Exists(path))
        {
            VectorSearch? existing = null;
            try { existing = VectorSearch.OpenMapped(path); }
            catch (GrooveException) { } // unreadable or from another version: rebuilt below
            if (existing?.Stamp == stamp) return existing;
            existing?.Dispose();
        }
        using (var built = index.LoadSearch(precision)) built.Save(path, stamp);
        return VectorSearch.OpenMapped(path);
    }
}
