namespace Groove.Cli.Infrastructure;

/// <summary>
/// Checks where a command will write before it does any work, so that an unusable output (a folder under a file, one
/// that cannot be created, a read-only one, an existing file not to be overwritten) is one line at once instead of
/// an error after every input was analysed.
/// </summary>
internal static class OutputPaths
{
    /// <summary>Creates <paramref name="dir"/> if needed and proves a file can be created in it; the problem in one line, or null.</summary>
    /// <param name="dir">The output folder.</param>
    /// <param name="option">The option that named it, for the message.</param>
    public static string? CheckFolder(string dir, string option = "--out")
    {
        if (dir.Length == 0) return $"{option}: an empty folder name was given";
        if (File.Exists(dir)) return $"{dir}: {option} must be a folder, and this is a file";
        try
        {
            Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (IsPathError(e))
        {
            return $"{dir}: cannot create this folder ({Reason(e, dir)})";
        }
        string probe = Path.Combine(dir, $".groove-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            return null;
        }
        catch (Exception e) when (IsPathError(e))
        {
            return $"{dir}: cannot write into this folder ({Reason(e, dir)})";
        }
    }

    /// <summary>Checks that <paramref name="path"/> can be written: not a folder, not an existing file unless
    /// <paramref name="overwrite"/>, in a folder that exists (or can be created) and is writable.</summary>
    /// <param name="path">The output file.</param>
    /// <param name="overwrite">Whether an existing file may be replaced (--force).</param>
    /// <param name="option">The option that named it, for the message.</param>
    public static string? CheckFile(string path, bool overwrite, string option)
    {
        if (path.Length == 0) return $"{option}: an empty file name was given";
        if (Directory.Exists(path)) return $"{path}: is a folder; {option} needs a file name";
        if (File.Exists(path) && !overwrite) return $"{path}: already exists (use --force to overwrite it)";
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (IsPathError(e)) { return $"{path}: not a usable file name ({Reason(e, path)})"; }
        string dir = Path.GetDirectoryName(full) ?? ".";
        return CheckFolder(dir, option) is { } problem ? $"{path}: cannot be written ({problem})" : null;
    }

    private static bool IsPathError(Exception e) =>
        e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or System.Security.SecurityException;

    private static string Reason(Exception e, string path)
    {
        if (FileOnTheWay(path) is { } file) return $"{file} is a file";
        return e switch
        {
            UnauthorizedAccessException => "permission denied",
            IOException io when io.Message.Contains("Read-only", StringComparison.OrdinalIgnoreCase) => "read-only file system",
            _ => "the file system does not allow it",
        };
    }

    /// <summary>The first existing file among the folders leading to <paramref name="path"/>, if any.</summary>
    private static string? FileOnTheWay(string path)
    {
        try
        {
            for (var d = Path.GetDirectoryName(Path.GetFullPath(path)); !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
                if (File.Exists(d)) return d;
        }
        catch (Exception e) when (IsPathError(e)) { }
        return null;
    }
}
