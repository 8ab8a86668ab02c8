using System.Numerics.Tensors;

namespace Groove.Dsp;

/// <summary>
/// Harmonic/percussive masks of a magnitude spectrogram by median filtering (Fitzgerald 2010, "Harmonic/percussive
/// separation using median filtering", DAFx; soft masks and margins as Driedger, Müller &amp; Disch 2014, "Extending
/// harmonic-percussive separation of audio signals", ISMIR), with librosa's <c>decompose.hpss</c> semantics:
/// H = median over time, P = median over frequency, then with margins m_h, m_p
/// M_h = H^p / (H^p + (m_h·P)^p), M_p = P^p / (P^p + (m_p·H)^p) (0 where both vanish), or binary masks
/// H &gt; m_h·P, P &gt; m_p·H when p = ∞ (librosa's <c>util.softmask</c>).
/// </summary>
public static class HpssMasks
{
    /// <summary>
    /// Computes the masks of a bin-major (<c>[bins, frames]</c>, librosa's layout, as <see cref="ConstantQSpectrogram"/>)
    /// magnitude spectrogram <paramref name="magnitude"/>. The masks have the same layout.
    /// </summary>
    public static (float[] Harmonic, float[] Percussive) Compute(ReadOnlySpan<float> magnitude, int bins, int frames, HpssOptions? options = null) =>
        Compute(magnitude, bins, frames, frames, 1, options);

    /// <summary>
    /// Computes the masks of a frame-major (<c>[frames, bins]</c>, as <see cref="Stft"/> returns) magnitude
    /// spectrogram. The masks have the same layout.
    /// </summary>
    public static (float[] Harmonic, float[] Percussive) ComputeFrameMajor(ReadOnlySpan<float> magnitude, int frames, int bins, HpssOptions? options = null) =>
        Compute(magnitude, bins, frames, 1, bins, options);

    private static (float[] Harmonic, float[] Percussive) Compute(ReadOnlySpan<float> magnitude, int bins, int frames,
        int binStride, int frameStride, HpssOptions? options)
    {
        var o = options ?? new HpssOptions();
        o.Validate();
        if (magnitude.Length != bins * frames) throw new ArgumentException("magnitude must hold bins·frames values", nameof(magnitude));
        foreach (var v in magnitude)
            if (float.IsNaN(v)) throw new ArgumentException("magnitude contains NaN", nameof(magnitude));
        var h = new float[bins * frames];
        var p = new float[bins * frames];
        var timeMedian = new SlidingMedian(o.HarmonicKernel);
        for (int b = 0; b < bins; b++)
            timeMedian.Filter(magnitude[(b * binStride)..], h.AsSpan(b * binStride), frames, frameStride);
        var freqMedian = new SlidingMedian(o.PercussiveKernel);
        for (int t = 0; t < frames; t++)
            freqMedian.Filter(magnitude[(t * frameStride)..], p.AsSpan(t * frameStride), bins, binStride);

        var mh = new float[bins * frames];
        var mp = new float[bins * frames];
        const bool split = false; // librosa's hpss default (split_zeros=False): silent cells go to neither part
        SoftMask(h, p, (float)o.HarmonicMargin, o.Power, mh, split);
        SoftMask(p, h, (float)o.PercussiveMargin, o.Power, mp, split);
        return (mh, mp);
    }

    /// <summary>librosa's <c>util.softmask(x, margin·ref, power)</c>.</summary>
    private static void SoftMask(float[] x, float[] reference, float margin, double power, float[] mask, bool splitZeros)
    {
        const float tiny = 1.17549435e-38f; // np.finfo(float32).tiny
        bool hard = double.IsPositiveInfinity(power);
        float pw = (float)power;
        for (int i = 0; i < x.Length; i++)
        {
            float a = x[i], r = margin * reference[i];
            if (hard) { mask[i] = a > r ? 1f : 0f; continue; }
            float z = MathF.Max(a, r);
            if (z < tiny) { mask[i] = splitZeros ? 0.5f : 0f; continue; }
            float ma = pw == 2f ? (a / z) * (a / z) : MathF.Pow(a / z, pw);
            float mr = pw == 2f ? (r / z) * (r / z) : MathF.Pow(r / z, pw);
            mask[i] = ma / (ma + mr);
        }
    }

    /// <summary>Multiplies <paramref name="values"/> by <paramref name="mask"/> element-wise into a new array.</summary>
    public static float[] Apply(ReadOnlySpan<float> values, ReadOnlySpan<float> mask)
    {
        var o = new float[values.Length];
        TensorPrimitives.Multiply(values, mask, o);
        return o;
    }
}
