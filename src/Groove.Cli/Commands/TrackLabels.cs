using Groove.Index;

namespace Groove.Cli.Commands;

/// <summary>
/// A labels CSV for the library commands: one "track,label" row per track (comma or tab; rows whose track matches
/// no indexed track — a header, say — are counted and skipped). A track is its path or its file name with or
/// without extension; a name that matches several indexed tracks is an error.
/// </summary>
internal static class TrackLabels
{
    /// <summary>(row of <paramref name="search"/>, label) pairs, and how many rows matched no track.</summary>
    public static (List<(int Row, string Label)> Rows, int Unmatched) Read(string csv, VectorSearch search)
    {
        if (!File.Exists(csv)) throw new GrooveException($"{csv}: no such labels file");
        var rows = new List<(int Row, string Label)>();
        int unmatched = 0;
        foreach (var line in File.ReadLines(csv))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var parts = line.Split(line.Contains('\t') ? '\t' : ',', 2);
            if (parts.Length < 2) throw new GrooveException($"{csv}: '{line}' is not a track,label row");
            int row = Find(search, parts[0].Trim());
            if (row < 0) { unmatched++; continue; }
            rows.Add((row, parts[1].Trim()));
        }
        return (rows, unmatched);
    }

    private static int Find(VectorSearch search, string name)
    {
        var full = Path.IsPathRooted(name) || name.Contains('/') ? Path.GetFullPath(name) : null;
        int found = -1;
        for (int i = 0; i < search.Count; i++)
        {
            var p = search.Ids[i];
            if (p == full || Path.GetFileName(p) == name || Path.GetFileNameWithoutExtension(p) == name)
            {
                if (found >= 0) throw new GrooveException($"'{name}' matches several indexed tracks; give the full path");
                found = i;
            }
        }
        return found;
    }
}
