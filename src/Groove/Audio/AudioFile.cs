namespace Groove.Audio;

/// <summary>
/// Entry point for loading audio from disk: WAV is decoded in C#; other formats go through external decoders.
/// </summary>
public static class AudioFile
{
    /// <summary>Loads a file with its own sample rate and channels.</summary>
    public static AudioBuffer Load(string path)
    {
        if (Directory.Exists(path)) throw new GrooveException($"{path}: is a directory, not an audio file");
        if (!File.Exists(path)) throw new GrooveException($"{path}: no such file");
        return WavReader.Read(path);
    }
}
