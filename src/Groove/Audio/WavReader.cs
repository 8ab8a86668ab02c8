namespace Groove.Audio;

/// <summary>Decodes WAV files in C#: PCM 8/16/24/32-bit, IEEE float 32/64-bit, WAVE_FORMAT_EXTENSIBLE, RF64.</summary>
/// <remarks>Prefer <see cref="AudioFile.Load"/>, which also reads other formats and can resample.</remarks>
public static class WavReader
{
    /// <summary>Reads a whole WAV file with its own rate and channels.</summary>
    /// <exception cref="GrooveException">Missing file, not WAV, malformed, or an encoding other than PCM/float.</exception>
    public static AudioBuffer Read(string path, Action<string>? onWarning = null)
    {
        if (Directory.Exists(path)) throw new GrooveException($"{path}: is a directory, not an audio file");
        if (!File.Exists(path)) throw new GrooveException($"{path}: no such file");
        using var stream = File.OpenRead(path);
        return Read(stream, path, onWarning);
    }

    /// <summary>Reads a whole WAV stream (seekable or not); <paramref name="name"/> names it in messages.</summary>
    public static AudioBuffer Read(Stream stream, string name, Action<string>? onWarning = null)
    {
        using var wav = WavStream.Open(stream, name, onWarning, leaveOpen: true);
        var f = wav.Format;
        if (!f.IsNativelyDecoded) throw new GrooveException($"{name}: unsupported WAV encoding ({f.Describe()})");
        var outputs = new FloatAccumulator[f.Channels];
        for (int c = 0; c < outputs.Length; c++) outputs[c] = new FloatAccumulator();
        int frames = Math.Max(1, 8192 / f.Channels);
        var block = new float[frames * f.Channels];
        var one = new float[frames];
        int n;
        while ((n = wav.Read(block)) > 0)
            for (int c = 0; c < f.Channels; c++)
            {
                for (int i = 0; i < n; i++) one[i] = block[i * f.Channels + c];
                outputs[c].Append(one.AsSpan(0, n));
            }
        var channels = new float[f.Channels][];
        for (int c = 0; c < channels.Length; c++) channels[c] = outputs[c].ToArrayAndClear();
        return new AudioBuffer(channels, f.SampleRate);
    }
}
