using System.Globalization;

namespace Groove.IO.Annotations;

/// <summary>
/// Parses key labels in the spellings datasets use: "D major", "C\tmajor" (mir_eval), "F# minor" (madmom),
/// "Gb:maj", "C:minor" (JAMS key_mode, POP909), "Eb", "c#m", "A minor", unicode ♯/♭, and "X"/"N"/"none" for no key;
/// and Lerch's integers (A = 0: 0–11 A..G# major, 12–23 a..g# minor, −1 none).
/// </summary>
public static class KeyNames
{
    /// <summary>The key named by <paramref name="label"/>; null for "no key"; throws <see cref="GrooveException"/> when unreadable.</summary>
    public static MusicalKey? Parse(string label)
    {
        var s = label.Trim();
        if (TryParse(s, out var key)) return key;
        throw new GrooveException($"'{label}' is not a key (expected e.g. 'C major', 'F# minor', 'Gb:maj' or 'X')");
    }

    public static bool TryParse(string label, out MusicalKey? key)
    {
        key = null;
        var s = label.Trim().Replace('♯', '#').Replace('♭', 'b');
        if (s.Length == 0) return false;
        var lower = s.ToLowerInvariant();
        if (lower is "x" or "n" or "none" or "-" or "unknown" or "n/a" or "no key") return true; // "no key": what groove key writes for silence
        char letter = char.ToUpperInvariant(s[0]);
        int tonic = letter switch { 'C' => 0, 'D' => 2, 'E' => 4, 'F' => 5, 'G' => 7, 'A' => 9, 'B' => 11, _ => -1 };
        if (tonic < 0) return false;
        int i = 1;
        while (i < s.Length && (s[i] == '#' || s[i] == 'b'))
        {
            // "b" after the letter is a flat unless it starts a word ("Bb" yes; "C bright" cannot occur here).
            tonic += s[i] == '#' ? 1 : -1;
            i++;
        }
        tonic = ((tonic % 12) + 12) % 12;
        var rest = s[i..].Trim().TrimStart(':', '_', '-').Trim().ToLowerInvariant();
        KeyMode mode;
        switch (rest)
        {
            case "major": case "maj": case "": case "ionian": case "dur":
                // A lone lowercase letter ("c", "f#") means minor, as in Lerch's and many hand-written labels.
                mode = rest.Length == 0 && char.IsLower(s[0]) ? KeyMode.Minor : KeyMode.Major;
                break;
            case "minor": case "min": case "m": case "aeolian": case "moll":
                mode = KeyMode.Minor;
                break;
            default:
                return false;
        }
        key = new MusicalKey(tonic, mode);
        return true;
    }

    /// <summary>Lerch's key index: A = 0, 0–11 A..G# major, 12–23 a..g# minor, −1 none.</summary>
    public static MusicalKey? FromLerchIndex(int index)
    {
        if (index == -1) return null;
        if (index is < 0 or > 23) throw new GrooveException($"Lerch key index {index} is outside −1..23");
        var key = MusicalKey.FromIndex(index); // Lerch counts tonics from A, not C
        return key with { Tonic = (key.Tonic + 9) % 12 };
    }

    /// <summary>mir_eval's spelling, "C# major" (sharps; mir_eval accepts both).</summary>
    public static string ToMirEval(MusicalKey? key) => key is { } k ? k.ToString() : "X";

    internal static bool IsInteger(string s) => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
}
