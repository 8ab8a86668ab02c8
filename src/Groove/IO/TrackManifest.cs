using System.Text;

namespace Groove.IO;

/// <summary>
/// The list of tracks a catalogue run works through (<c>groove batch</c>). Two forms:
/// <list type="bullet">
/// <item>a text file (any extension but <c>.csv</c>): one path a line; blank lines and lines starting with <c>#</c> skipped;</item>
/// <item>a <c>.csv</c> file with a header row naming a <c>path</c> column (other columns ignored; RFC 4180 quoting).</item>
/// </list>
/// Relative paths are relative to the manifest's folder, so a manifest travels with the catalogue. A path listed
/// again is dropped (the first listing counts), so every reader of one manifest sees the same tracks in the same
/// order: that order is what <see cref="Shard"/> partitions.
/// </summary>
public sealed class TrackManifest
{
    private readonly string _baseDir;

    private TrackManifest(string source, string baseDir, List<string> paths, int duplicates)
    {
        Source = source;
        _baseDir = baseDir;
        Paths = paths;
        DuplicatesDropped = duplicates;
    }

    /// <summary>Where the manifest came from (for messages).</summary>
    public string Source { get; }

    /// <summary>The tracks' paths as the manifest writes them, in order, each once.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>How many listings repeated an earlier path and were dropped.</summary>
    public int DuplicatesDropped { get; }

    /// <summary>The file to open for track <paramref name="position"/> (relative paths against the manifest's folder).</summary>
    public string Resolve(int position) => Path.GetFullPath(Paths[position], _baseDir);

    /// <summary>Reads the manifest at <paramref name="path"/>.</summary>
    /// <exception cref="GrooveException">No such file, an unreadable one, a malformed line, or no tracks: one line naming the place.</exception>
    public static TrackManifest Load(string path)
    {
        if (Directory.Exists(path))
            throw new GrooveException($"{path}: is a folder; give a manifest file (write one with 'groove batch manifest {path} -o tracks.txt')");
        string text;
        try { text = File.ReadAllText(path); }
        catch (FileNotFoundException) { throw new GrooveException($"{path}: no such manifest file"); }
        catch (DirectoryNotFoundException) { throw new GrooveException($"{path}: no such manifest file"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new GrooveException($"{path}: cannot read the manifest ({e.Message})"); }
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        bool csv = string.Equals(Path.GetExtension(path), ".csv", StringComparison.OrdinalIgnoreCase);
        return Parse(text, path, baseDir, csv);
    }

    /// <summary>Parses manifest text.</summary>
    /// <param name="text">The manifest's contents.</param>
    /// <param name="source">Its name in messages.</param>
    /// <param name="baseDir">The folder relative paths are resolved against.</param>
    /// <param name="csv">Whether it is CSV with a <c>path</c> column (otherwise one path a line).</param>
    /// <exception cref="GrooveException">A malformed line, or no tracks.</exception>
    public static TrackManifest Parse(string text, string source, string baseDir, bool csv)
    {
        if (text.Contains('\0')) throw new GrooveException($"{source}: not a text manifest (it holds NUL bytes)");
        var raw = csv ? ParseCsv(text, source) : ParseLines(text, source);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var paths = new List<string>(raw.Count);
        foreach (var p in raw)
            if (seen.Add(p)) paths.Add(p);
        if (paths.Count == 0) throw new GrooveException($"{source}: the manifest lists no tracks");
        return new TrackManifest(source, baseDir, paths, raw.Count - paths.Count);
    }

    private static List<string> ParseLines(string text, string source)
    {
        var paths = new List<string>();
        int lineNo = 0;
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            lineNo++;
            var line = rawLine.Trim();
            if (line.IsEmpty || line[0] == '#') continue;
            if (line.ContainsAnyInRange('\u0000', '\u0008'))
                throw new GrooveException($"{source}:{lineNo}: control characters in a path");
            paths.Add(line.ToString());
        }
        return paths;
    }

    private static List<string> ParseCsv(string text, string source)
    {
        var rows = CsvRows(text, source).GetEnumerator();
        int headerLine = 0;
        List<string>? header = null;
        while (rows.MoveNext())
        {
            var (line, fields) = rows.Current;
            if (fields.Count == 1 && fields[0].Trim().Length == 0) continue;
            headerLine = line;
            header = fields;
            break;
        }
        if (header is null) throw new GrooveException($"{source}: the manifest lists no tracks");
        int col = header.FindIndex(h => string.Equals(h.Trim(), "path", StringComparison.OrdinalIgnoreCase));
        if (col < 0)
            throw new GrooveException($"{source}:{headerLine}: a CSV manifest needs a header row with a 'path' column (found: {string.Join(", ", header)})");
        var paths = new List<string>();
        while (rows.MoveNext())
        {
            var (line, fields) = rows.Current;
            if (fields.Count == 1 && fields[0].Trim().Length == 0) continue;
            if (fields.Count <= col)
                throw new GrooveException($"{source}:{line}: {fields.Count} field(s), but 'path' is column {col + 1}");
            var p = fields[col].Trim();
            if (p.Length == 0) throw new GrooveException($"{source}:{line}: empty path");
            paths.Add(p);
        }
        return paths;
    }

    /// <summary>RFC 4180 rows with the line each starts on: fields split at commas, "quoted" fields may hold commas,
    /// doubled quotes and line breaks.</summary>
    private static IEnumerable<(int Line, List<string> Fields)> CsvRows(string text, string source)
    {
        int i = 0, line = 1;
        while (i < text.Length)
        {
            int rowLine = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            bool rowDone = false;
            while (!rowDone)
            {
                if (i < text.Length && text[i] == '"')
                {
                    i++;
                    while (true)
                    {
                        if (i >= text.Length) throw new GrooveException($"{source}:{rowLine}: a quoted field is never closed");
                        char c = text[i++];
                        if (c == '"')
                        {
                            if (i < text.Length && text[i] == '"') { field.Append('"'); i++; continue; }
                            break;
                        }
                        if (c == '\n') line++;
                        field.Append(c);
                    }
                    if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                        throw new GrooveException($"{source}:{line}: text after a closing quote");
                }
                else
                {
                    while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                    {
                        if (text[i] == '"') throw new GrooveException($"{source}:{line}: a quote inside an unquoted field");
                        field.Append(text[i++]);
                    }
                }
                fields.Add(field.ToString());
                field.Clear();
                if (i < text.Length && text[i] == ',') { i++; continue; }
                if (i < text.Length && text[i] == '\r') i++;
                if (i < text.Length && text[i] == '\n') i++;
                line++;
                rowDone = true;
            }
            yield return (rowLine, fields);
        }
    }

    /// <summary>
    /// The audio files under <paramref name="folder"/> (recursively, <see cref="AudioFileNames.Extensions"/>), in
    /// ordinal order of their paths, as a text manifest to be saved at <paramref name="manifestPath"/>: each path
    /// relative to the manifest's folder.
    /// </summary>
    /// <exception cref="GrooveException">No such folder, or no audio in it.</exception>
    public static string FromFolder(string folder, string manifestPath, out int count)
    {
        if (!Directory.Exists(folder)) throw new GrooveException($"{folder}: no such folder");
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(manifestPath)) ?? ".";
        var walk = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden };
        var files = Directory.EnumerateFiles(Path.GetFullPath(folder), "*", walk)
            .Where(AudioFileNames.IsAudio)
            .Select(f => Path.GetRelativePath(baseDir, f))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0) throw new GrooveException($"{folder}: no audio files ({string.Join(" ", AudioFileNames.Extensions.Order())})");
        var bad = files.Find(f => f.Contains('\n') || f.Contains('\r') || f.StartsWith('#') || f.Trim() != f);
        if (bad is not null) throw new GrooveException($"{bad.ReplaceLineEndings(" ")}: this file name cannot be listed one a line (a line break, a leading '#' or surrounding spaces); rename it");
        count = files.Count;
        var sb = new StringBuilder();
        sb.Append("# groove batch manifest: ").Append(files.Count).Append(" tracks under ").Append(folder).Append(", paths relative to this file\n");
        foreach (var f in files) sb.Append(f).Append('\n');
        return sb.ToString();
    }
}
