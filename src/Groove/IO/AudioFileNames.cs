namespace Groove.IO;

/// <summary>Which file names are audio: the extensions dataset folders and training data lists are searched for.</summary>
public static class AudioFileNames
{
    /// <summary>Extensions (lower case, with the dot) of the formats <c>AudioFile.Load</c> reads (WAV in C#, the rest through ffmpeg).</summary>
    public static IReadOnlySet<string> Extensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { ".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".aif", ".aiff", ".au", ".wma" };

    /// <summary>Whether <paramref name="path"/>'s extension is one of <see cref="Extensions"/>.</summary>
    public static bool IsAudio(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>
    /// The audio files of <paramref name="dataArg"/>: a folder (searched recursively, in ordinal order) or a text file
    /// listing files (one path a line, relative to the list's folder; blank lines and # comments skipped).
    /// </summary>
    /// <exception cref="GrooveException">No such folder or list, or no audio in it.</exception>
    public static List<string> Find(string dataArg)
    {
        List<string> files;
        if (Directory.Exists(dataArg))
            files = Directory.EnumerateFiles(dataArg, "*", SearchOption.AllDirectories)
                .Where(IsAudio).Order(StringComparer.Ordinal).ToList();
        else if (File.Exists(dataArg))
        {
            // Relative paths in a list file are relative to the list file's folder.
            var baseDir = Path.GetDirectoryName(Path.GetFullPath(dataArg))!;
            files = File.ReadAllLines(dataArg).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
                .Select(l => Path.GetFullPath(l, baseDir)).ToList();
        }
        else throw new GrooveException($"{dataArg}: no such folder or list file");
        if (files.Count == 0) throw new GrooveException($"{dataArg}: no audio files");
        return files;
    }
}
