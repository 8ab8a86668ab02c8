namespace Groove.Corpus;

/// <summary>
/// A program a corpus build needs (dpkg-deb, ffmpeg, oggdec, apt-get) is not installed: the whole build stops with
/// this one line, instead of every package failing, or every file being dropped, for the same reason.
/// </summary>
public sealed class MissingToolException(string message) : GrooveException(message)
{
    /// <summary>Throws unless every one of <paramref name="tools"/> (program, Debian package) is an executable on PATH.</summary>
    /// <param name="tools">The programs and the packages that install them.</param>
    public static void ThrowIfMissing(params ReadOnlySpan<(string Program, string Package)> tools)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var (program, package) in tools)
            if (!path.Any(dir => File.Exists(Path.Combine(dir, program))))
                throw new MissingToolException($"building a corpus needs {program}, which is not installed (apt-get install {package})");
    }
}
