using System.Globalization;

namespace Groove.IO.Annotations;

/// <summary>Line/field reading shared by the plain-text annotation readers: '#' comments, whitespace-separated fields.</summary>
internal static class AnnotationText
{
    /// <summary>The non-blank, non-comment lines of a file, split on whitespace, with their 1-based line numbers.</summary>
    public static IEnumerable<(int Line, string[] Fields)> Rows(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (FileNotFoundException) { throw new GrooveException($"{path}: no such file"); }
        catch (DirectoryNotFoundException) { throw new GrooveException($"{path}: no such file"); }
        catch (UnauthorizedAccessException) { throw new GrooveException($"{path}: permission denied"); }
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith('#')) continue;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length == 0) continue;
            yield return (i + 1, fields);
        }
    }

    /// <summary>A number in invariant culture ("nan" and "inf" as Python writes them are accepted).</summary>
    public static double Number(string token, string path, int line)
    {
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return v;
        switch (token.ToLowerInvariant())
        {
            case "nan": return double.NaN;
            case "inf": case "+inf": case "infinity": return double.PositiveInfinity;
            case "-inf": case "-infinity": return double.NegativeInfinity;
        }
        throw new GrooveException($"{path}:{line}: '{token}' is not a number");
    }
}
