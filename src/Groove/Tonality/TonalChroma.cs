using Groove.Dsp;

namespace Groove.Tonality;

/// <summary>
/// Chroma for key finding, as librosa's <c>chroma_cqt</c> with tuning estimation: a 36-bins-per-octave CQT over
/// 7 octaves from C1 (fewer at low sample rates), its lowest bin shifted by the estimated tuning, folded to 12
/// classes. Options, applied before folding: <c>amplitude</c> weighting (each bin divided by √(filter length), so a
/// sinusoid counts by its amplitude whatever its frequency, instead of librosa's √L-scaled magnitudes that favour the
/// bass), spectral peak picking (only bins that are local maxima across frequency in their frame count, as
/// peak-based HPCPs do, Gómez 2006), and log compression log(1 + γ·|C|) (Müller's "logarithmic compression").
/// </summary>
internal static class TonalChroma
{
    public const int BinsPerOctave = 36;

    /// <summary>A hop near 23 ms that 2^6 divides, so every octave of the multirate CQT can be decimated.</summary>
    public static int HopFor(int sampleRate) => Math.Max(64, (int)Math.Round(sampleRate * 512.0 / SampleRates.Analysis / 64) * 64);

    /// <summary>The tuned CQT (bins lowest first) of <paramref name="mono"/>.</summary>
    public static ConstantQSpectrogram Cqt(float[] mono, int sampleRate, out double tuningSemitones, CancellationToken ct = default) =>
        Cqt(mono, sampleRate, out tuningSemitones, out _, ct);

    /// <summary>The tuned CQT and each bin's filter length (samples at <paramref name="sampleRate"/>).</summary>
    /// <param name="mono">The signal.</param>
    /// <param name="sampleRate">Its sample rate (Hz).</param>
    /// <param name="tuningSemitones">The tuning found (semitones from A440).</param>
    /// <param name="lengths">Each bin's filter length.</param>
    /// <param name="ct">Cancels the computation.</param>
    /// <param name="transforms">Optional cache of transforms (their kernels take a while to build), keyed by rate and
    /// tuning; tunings come in steps of 0.01 semitone, so a cache stays small.</param>
    public static ConstantQSpectrogram Cqt(float[] mono, int sampleRate, out double tuningSemitones, out double[] lengths, CancellationToken ct = default,
        System.Collections.Concurrent.ConcurrentDictionary<(int, long), ConstantQTransform>? transforms = null)
    {
        tuningSemitones = TuningEstimator.Estimate(mono, sampleRate, 12);
        ct.ThrowIfCancellationRequested();
        var transform = Transform(sampleRate, tuningSemitones, transforms);
        lengths = transform.Lengths;
        return transform.Compute(mono, ct);
    }

    /// <summary>The tuned CQT for <paramref name="sampleRate"/> and a tuning (semitones from A440), from
    /// <paramref name="transforms"/> when it holds one.</summary>
    public static ConstantQTransform Transform(int sampleRate, double tuningSemitones,
        System.Collections.Concurrent.ConcurrentDictionary<(int, long), ConstantQTransform>? transforms = null)
    {
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
        ConstantQTransform transform;
        if (transforms is null) transform = new ConstantQTransform(opts);
        else
        {
            if (transforms.Count > 256) transforms.Clear();
            var o = opts;
            transform = transforms.GetOrAdd((sampleRate, (long)Math.Round(opts.Tuning * 1e6)), _ => new ConstantQTransform(o));
        }
        return transform;
    }

    /// <summary>Chroma from a CQT (with its filter <paramref name="lengths"/>), after the optional processing above.</summary>
    public static Chromagram Fold(ConstantQSpectrogram cqt, double[] lengths, bool amplitude, bool peaks, double logCompression, ChromaNorm norm)
    {
        int frames = cqt.FrameCount, bins = cqt.BinCount;
        if (amplitude || peaks)
        {
            var d = new float[cqt.Data.Length];
            var w = new float[bins];
            for (int b = 0; b < bins; b++) w[b] = amplitude ? (float)(1 / Math.Sqrt(lengths[b])) : 1f;
            for (int b = 0; b < bins; b++)
            {
                var row = cqt.Row(b);
                var outRow = d.AsSpan(b * frames, frames);
                if (!peaks) { System.Numerics.Tensors.TensorPrimitives.Multiply(row, w[b], outRow); continue; }
                if (b == 0 || b == bins - 1) continue; // edges are never local maxima (as librosa's localmax)
                var below = cqt.Row(b - 1);
                var above = cqt.Row(b + 1);
                for (int j = 0; j < frames; j++)
                    {
                    float v = row[j] * w[b];
                    if (v > below[j] * w[b - 1] && v >= above[j] * w[b + 1]) outRow[j] = v;
                }
            }
            cqt = new ConstantQSpectrogram(d, bins, frames, cqt.Frequencies, cqt.FrameRate, cqt.BinsPerOctave);
        }
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
