using Groove.Audio;
using Groove.Rhythm.Learned;

namespace Groove.Rhythm.ZeroNoteSamba;

/// <summary>
/// Zero-Note Samba's inputs as frame-major beat features for the few-shot protocol: per frame (62.5 per second) the
/// 96 log-VQT bins of the percussive part followed by the 96 of the non-percussive part (HPSS), <c>[frames × 192]</c>.
/// Thread-safe.
/// </summary>
public sealed class ZeroNsBeatFeatures : IBeatFeatureExtractor
{
    private readonly ZeroNsFrontEnd _frontEnd = new();

    /// <inheritdoc/>
    public double FramesPerSecond => ZeroNsFrontEnd.FrameRate;

    /// <inheritdoc/>
    public int Bands => 2 * ZeroNsFrontEnd.Bins;

    /// <inheritdoc/>
    public float[] Compute(AudioBuffer audio)
    {
        var parts = ZeroNsParts.FromHpss(ZeroNsFrontEnd.Mono16k(audio));
        var (p, n) = _frontEnd.Features(parts, out int frames);
        return Interleave(p, n, frames);
    }

    /// <summary>Bin-major percussive and non-percussive arrays [96, frames] → frame-major [frames × 192].</summary>
    public static float[] Interleave(float[] percussive, float[] nonPercussive, int frames)
    {
        int bins = ZeroNsFrontEnd.Bins;
        var x = new float[frames * 2 * bins];
        for (int b = 0; b < bins; b++)
            for (int t = 0; t < frames; t++)
            {
                x[t * 2 * bins + b] = percussive[b * frames + t];
                x[t * 2 * bins + bins + b] = nonPercussive[b * frames + t];
            }
        return x;
    }

    /// <summary>Frame-major [frames × 192] → bin-major percussive and non-percussive arrays [96, frames].</summary>
    public static (float[] Percussive, float[] NonPercussive) Split(ReadOnlySpan<float> features, int frames)
    {
        int bins = ZeroNsFrontEnd.Bins;
        var p = new float[bins * frames];
        var n = new float[bins * frames];
        for (int t = 0; t < frames; t++)
            for (int b = 0; b < bins; b++)
            {
                p[b * frames + t] = features[t * 2 * bins + b];
                n[b * frames + t] = features[t * 2 * bins + bins + b];
            }
        return (p, n);
    }
}
