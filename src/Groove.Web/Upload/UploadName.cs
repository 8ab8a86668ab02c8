using System.Text;

namespace Groove.Web.Upload;

/// <summary>
/// Turns the file name a browser sends into text safe to show and to offer as a download name. These names are
/// only ever labels: stored files get fixed names inside folders named by random ids.
/// </summary>
internal static class UploadName
{
    private const int MaxLength = 120;

    /// <summary>The last path segment, without control characters, trimmed to 120 characters; "upload" when nothing is left.</summary>
    public static string ForDisplay(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) return "upload";
        var last = raw.Replace('\\', '/');
        last = last[(last.LastIndexOf('/') + 1)..];
        var sb = new StringBuilder(last.Length);
        foreach (var r in last.EnumerateRunes())
            if (!Rune.IsControl(r) && r.Value != 0xFFFD) sb.Append(r.ToString());
        var name = sb.ToString().Trim().Trim('.').Trim();
        if (name.Length > MaxLength) name = name[..MaxLength].Trim();
        return name.Length == 0 ? "upload" : name;
    }

    /// <summary>A download name: the display name without its extension, plus <paramref name="extension"/>, in plain characters.</summary>
    public static string ForDownload(string displayName, string extension)
    {
        var stem = Path.GetFileNameWithoutExtension(displayName);
        var sb = new StringBuilder(stem.Length);
        foreach (char c in stem)
            sb.Append(char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' or '(' or ')' or '[' or ']' or '.' ? c : '_');
        var safe = sb.ToString().Trim().Trim('.');
        return (safe.Length == 0 ? "song" : safe) + extension;
    }
}
