using Groove.Audio;
using Groove.Dsp;

namespace Groove.Rhythm.ZeroNoteSamba;

/// <summary>
/// Zero-Note Samba's input representation (Desblancs, Lostanlen &amp; Hennequin, "Zero-Note Samba: Self-supervised beat
/// tracking", IEEE/ACM TASLP 2023): a variable-Q transform at 16 kHz, hop 256 (62.5 frames per second), 96 bins from
/// C0 at 12 per octave, as <c>log(|VQT| + 1e-9)</c>, computed separately for the percussive and the non-percussive part
/// of the signal (<see cref="ZeroNsParts"/>). Arrays are bin-major <c>[96, frames]</c>. Thread-safe.
/// </summary>
public sealed class ZeroNsFrontEnd
{
    /// <summary>Sample rate the front end works at.</summary>
    public const int SampleRate = 16000;
    /// <summary>Hop in samples.</summary>
    public const int HopLength = 256;
    /// <summary>VQT bins.</summary>
    public const int Bins = 96;
    /// <summary>Bins per octave.</summary>
    public const int BinsPerOctave = 12;
    /// <summary>C0 in Hz (the lowest bin).</summary>
    public const double Fmin = 16.351597831287414;
    /// <summary>Added to magnitudes before the logarithm.</summary>
    public const float LogEpsilon = 1e-9f;

    /// <summary>Frames per second (62.5).</summary>
    public const double FrameRate = (double)SampleRate / HopLength;

    private readonly ConstantQTransform _vqt = new(ConstantQOptions.Vqt(SampleRate, HopLength, Fmin, Bins, BinsPerOctave));

    /// <summary>Frames produced for <paramref name="samples"/> samples at <see cref="SampleRate"/>.</summary>
    public int FrameCount(int samples) => _vqt.FrameCount(samples);

    /// <summary><c>log(|VQT| + 1e-9)</c> of mono audio at <see cref="SampleRate"/>, bin-major <c>[96, frames]</c>.</summary>
    public float[] LogVqt(ReadOnlySpan<float> mono, out int frames, CancellationToken cancellationToken = default)
    {
        var s = _vqt.Compute(mono, cancellationToken);
        frames = s.FrameCount;
        var x = s.Data;
        for (int i = 0; i < x.Length; i++) x[i] = MathF.Log(x[i] + LogEpsilon);
        return x;
    }

    /// <summary>Both parts' features: percussive and non-percussive, each bin-major <c>[96, frames]</c>.</summary>
    public (float[] Percussive, float[] NonPercussive) Features(ZeroNsParts parts, out int frames, CancellationToken cancellationToken = default)
    {
        var p = LogVqt(parts.Percussive, out frames, cancellationToken);
        var n = LogVqt(parts.NonPercussive, out int f2, cancellationToken);
        if (f2 != frames) throw new InvalidOperationException("parts of different lengths");
        return (p, n);
    }

    /// <summary>Mono audio at <see cref="SampleRate"/> (resampled when needed).</summary>
    public static float[] Mono16k(AudioBuffer audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var mono = audio.Mono();
        return audio.SampleRate == SampleRate ? mono : Resampler.Resample(mono, audio.SampleRate, SampleRate);
    }
}
