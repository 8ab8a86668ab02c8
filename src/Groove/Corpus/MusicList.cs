namespace Groove.Corpus;

/// <summary>
/// Reads a Debian music list: a TSV with a header line and one recording per row, whose first two columns are the
/// package and the path inside it (<c>../shared/data/debian_music.tsv</c>; further columns are ignored).
/// </summary>
public static class MusicList
{
    /// <summary>Reads and checks the list at <paramref name="path"/>.</summary>
    /// <param name="path">The TSV file.</param>
    /// <exception cref="GrooveException">The file is missing, empty, or has a row that is not <c>package TAB path</c>.</exception>
    public static IReadOnlyList<MusicListEntry> Read(string path)
    {
        if (!File.Exists(path)) throw new GrooveException($"{path}: no such file (the music list)");
        return Parse(File.ReadAllLines(path), path);
    }

    /// <summary>Parses the lines of a list; <paramref name="name"/> names it in messages.</summary>
    /// <param name="lines">The file's lines, header first.</param>
    /// <param name="name">What to call the list in messages.</param>
    public static IReadOnlyList<MusicListEntry> Parse(IReadOnlyList<string> lines, string name)
    {
        if (lines.Count == 0 || !lines[0].StartsWith("package\t", StringComparison.Ordinal))
            throw new GrooveException($"{name}: not a music list (the first line must be the header 'package<TAB>path_in_package…')");
        var entries = new List<MusicListEntry>(lines.Count);
        var seen = new HashSet<(string, string)>();
        for (int i = 1; i < lines.Count; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var cols = line.Split('\t');
            int n = i + 1;
            if (cols.Length < 2 || cols[0].Length == 0 || cols[1].Length == 0)
                throw new GrooveException($"{name}:{n}: expected 'package<TAB>path' and found '{Shorten(line)}'");
            string package = cols[0], file = cols[1];
            if (!IsPackageName(package))
                throw new GrooveException($"{name}:{n}: '{Shorten(package)}' is not a Debian package name");
            bool inArchive = !file.StartsWith('/');
            if (inArchive && (!file.StartsWith($"music/{package}/", StringComparison.Ordinal) || file.Length == $"music/{package}/".Length))
                throw new GrooveException($"{name}:{n}: path '{Shorten(file)}' is neither absolute nor 'music/{package}/<path in archive>'");
            if (file.Split('/').Any(part => part == ".."))
                throw new GrooveException($"{name}:{n}: path '{Shorten(file)}' contains '..'");
            if (!seen.Add((package, file)))
                throw new GrooveException($"{name}:{n}: {package} {file} is listed twice");
            entries.Add(new MusicListEntry(package, file, n));
        }
        if (entries.Count == 0) throw new GrooveException($"{name}: lists no recordings");
        return entries;
    }

    /// <summary>Debian policy: lower-case letters, digits, '+', '-', '.'; at least two characters, starting alphanumeric.</summary>
    public static bool IsPackageName(string s) =>
        s.Length >= 2 && (char.IsAsciiLetterLower(s[0]) || char.IsAsciiDigit(s[0]))
        && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '+' or '-' or '.');

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
