using Groove.Audio;
using Groove.Dsp;

namespace Groove.Rhythm.ZeroNoteSamba;

/// <summary>
/// The percussive and non-percussive parts of a recording at <see cref="ZeroNsFrontEnd.SampleRate"/>, equally long.
/// Zero-Note Samba separates drums from the rest with Spleeter; Groove uses harmonic/percussive separation
/// (<see cref="Hpss"/>, no weights needed) by default, or stems the user supplies (<c>NAME.drums.wav</c> and
/// <c>NAME.other.wav</c>, as Demucs or Spleeter write them).
/// </summary>
public sealed record ZeroNsParts(float[] Percussive, float[] NonPercussive)
{
    /// <summary>Samples per part.</summary>
    public int Length => Percussive.Length;

    /// <summary>Harmonic/percussive separation of mono audio at 16 kHz (librosa's defaults: 2048/512, kernels 31).</summary>
    public static ZeroNsParts FromHpss(ReadOnlySpan<float> mono16k, CancellationToken cancellationToken = default)
    {
        var s = Hpss.Separate(mono16k, cancellationToken: cancellationToken);
        return new ZeroNsParts(s.Percussive, s.Harmonic);
    }

    /// <summary>Parts from stems: drums are the percussive part, the other stem the rest (cut to the shorter).</summary>
    public static ZeroNsParts FromStems(AudioBuffer drums, AudioBuffer other)
    {
        var d = ZeroNsFrontEnd.Mono16k(drums);
        var o = ZeroNsFrontEnd.Mono16k(other);
        int n = Math.Min(d.Length, o.Length);
        return new ZeroNsParts(d.AsSpan(0, n).ToArray(), o.AsSpan(0, n).ToArray());
    }

    /// <summary>
    /// The stems of <paramref name="audioPath"/> in <paramref name="stemsDir"/>: <c>NAME.drums.wav</c> and
    /// <c>NAME.other.wav</c> (NAME = the file name without extension), or null when either is missing.
    /// </summary>
    public static (string Drums, string Other)? FindStems(string stemsDir, string audioPath)
    {
        var name = Path.GetFileNameWithoutExtension(audioPath);
        var d = Path.Combine(stemsDir, name + ".drums.wav");
        var o = Path.Combine(stemsDir, name + ".other.wav");
        return File.Exists(d) && File.Exists(o) ? (d, o) : null;
    }

    /// <summary>A slice of both parts (zero-padded beyond the end).</summary>
    public ZeroNsParts Slice(int start, int length)
    {
        var p = new float[length];
        var n = new float[length];
        int copy = Math.Clamp(Length - start, 0, length);
        if (copy > 0)
        {
            Percussive.AsSpan(start, copy).CopyTo(p);
            NonPercussive.AsSpan(start, copy).CopyTo(n);
        }
        return new ZeroNsParts(p, n);
    }
}
