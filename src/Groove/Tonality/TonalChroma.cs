using Groove.Dsp;

namespace Groove.Tonality;

/// <summary>
/// Chroma for key finding, as librosa's <c>chroma_cqt</c> with tuning estimation: a 36-bins-per-octave CQT over
/// 7 octaves from C1 (fewer at low sample rates), its lowest bin shifted by the estimated tuning, folded to 12
/// classes. Optionally magnitudes are log-compressed (log(1 + γ·|C|), Müller's "logarithmic compression") before
/// folding.
/// </summary>
internal static class TonalChroma
{
    public const int BinsPerOctave = 36;

    /// <summary>A hop near 23 ms that 2^6 divides, so every octave of the multirate CQT can be decimated.</summary>
    public static int HopFor(int sampleRate) => Math.Max(64, (int)Math.Round(sampleRate * 512.0 / 22050 / 64) * 64);

    /// <summary>The tuned CQT (bins lowest first) of <paramref name="mono"/>.</summary>
    public static ConstantQSpectrogram Cqt(float[] mono, int sampleRate, out double tuningSemitones, CancellationToken ct = default)
    {
        tuningSemitones = TuningEstimator.Estimate(mono, sampleRate, 12);
        ct.ThrowIfCancellationRequested();
        var opts = ConstantQOptions.Cqt(sampleRate, HopFor(sampleRate), ConstantQOptions.C1, 7 * BinsPerOctave, BinsPerOctave) with
        {
            // Tuning estimated in semitones (not modulo a third of a semitone as librosa's bpo-36 estimate): the
            // fold centres each chroma on its semitone, so the semitone offset is the one that matters.
            Tuning = tuningSemitones * BinsPerOctave / 12.0,
        };
        // Drop whole octaves from the top until the highest filter fits below Nyquist.
        while (opts.BinCount > BinsPerOctave && TopCutoff(opts) > sampleRate / 2.0)
            opts = opts with { BinCount = opts.BinCount - BinsPerOctave };
        if (TopCutoff(opts) > sampleRate / 2.0)
            throw new GrooveException($"sample rate {sampleRate} Hz is too low for key estimation");
        return new ConstantQTransform(opts).Compute(mono, ct);
    }

    /// <summary>Chroma from a CQT, optionally log-compressed (γ &gt; 0), each frame normalised as given.</summary>
    public static Chromagram Fold(ConstantQSpectrogram cqt, double logCompression, ChromaNorm norm)
    {
        if (logCompression > 0)
        {
            var d = new float[cqt.Data.Length];
            float g = (float)logCompression;
            for (int i = 0; i < d.Length; i++) d[i] = MathF.Log(1 + g * cqt.Data[i]);
            cqt = new ConstantQSpectrogram(d, cqt.BinCount, cqt.FrameCount, cqt.Frequencies, cqt.FrameRate, cqt.BinsPerOctave);
        }
        return Chromagram.FromConstantQ(cqt, 12, norm);
    }

    private static double TopCutoff(ConstantQOptions o)
    {
        double a = Dsp.WaveletFilters.Alpha(o.BinsPerOctave);
        return Dsp.WaveletFilters.Cutoff(o.Frequencies()[^1], a, o.Gamma, o.FilterScale);
    }
}
