using System.Globalization;

namespace Groove.IO.Annotations;

/// <summary>
/// Reads a global key: one label per file in any spelling <see cref="KeyNames"/> accepts (GiantSteps "D major",
/// mir_eval "C\tmajor", madmom "F# minor", POP909 "Gb:maj"), a Lerch integer (A = 0), or a JAMS file (key_mode).
/// </summary>
public static class KeyAnnotations
{
    /// <summary>The key, or null when the file says there is none ("X", "N", −1).</summary>
    public static MusicalKey? Read(string path)
    {
        if (path.EndsWith(".jams", StringComparison.OrdinalIgnoreCase)) return JamsAnnotations.ReadKey(path);
        var rows = AnnotationText.Rows(path).ToList();
        if (rows.Count == 0) throw new GrooveException($"{path}: no key in the file");
        if (rows.Count > 1) throw new GrooveException($"{path}:{rows[1].Line}: a key file holds one key on one line");
        var (line, fields) = rows[0];
        if (fields.Length == 1 && KeyNames.IsInteger(fields[0]))
            return WithPath(() => KeyNames.FromLerchIndex(int.Parse(fields[0], CultureInfo.InvariantCulture)), path, line);
        var label = string.Join(' ', fields);
        return WithPath(() => KeyNames.Parse(label), path, line);
    }

    private static MusicalKey? WithPath(Func<MusicalKey?> parse, string path, int line)
    {
        try { return parse(); }
        catch (GrooveException e) { throw new GrooveException($"{path}:{line}: {e.Message}"); }
    }
}
