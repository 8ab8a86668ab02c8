using System.Numerics.Tensors;

namespace Groove.Dsp;

/// <summary>
/// Onset strength (spectral flux) of a frame-major spectrogram, with librosa's <c>onset_strength</c> semantics:
/// for each frame t ≥ lag, the mean (or sum) over bands of max(0, S[t] − maxfilter(S[t − lag])), where the
/// reference frame is max-filtered over <c>maxSize</c> neighbouring bands (SuperFlux, Böck &amp; Widmer 2013,
/// "Maximum filter vibrato suppression for onset detection", DAFx); the first <c>lag</c> frames (plus the STFT's
/// centring offset) are 0, and an optional detrending filter (1 − z⁻¹)/(1 − 0.99 z⁻¹) removes the DC trend.
/// </summary>
public static class OnsetStrength
{
    /// <summary>Flux of <paramref name="spectrogram"/> <c>[frames × bands]</c>; one value per frame.</summary>
    /// <param name="spectrogram">Frame-major, e.g. a log-mel spectrogram in dB.</param>
    /// <param name="bands">Values per frame.</param>
    /// <param name="lag">Frames between the compared spectra (≥ 1).</param>
    /// <param name="maxSize">Width, in bands, of the maximum filter on the reference frame (1: none).</param>
    /// <param name="padFrames">Zero frames before the first difference (librosa: lag, plus n_fft/(2·hop) when centred);
    /// the output keeps the spectrogram's frame count.</param>
    /// <param name="detrend">Apply the DC-removing filter.</param>
    /// <param name="mean">Average over bands (librosa's default aggregate) rather than sum.</param>
    public static float[] Flux(ReadOnlySpan<float> spectrogram, int bands, int lag = 1, int maxSize = 1, int? padFrames = null,
        bool detrend = false, bool mean = true)
    {
        if (bands < 1 || spectrogram.Length % bands != 0) throw new ArgumentException("The spectrogram is not a whole number of frames.", nameof(spectrogram));
        if (lag < 1) throw new ArgumentOutOfRangeException(nameof(lag), "lag must be at least 1.");
        if (maxSize < 1) throw new ArgumentOutOfRangeException(nameof(maxSize), "maxSize must be at least 1.");
        int frames = spectrogram.Length / bands;
        int pad = padFrames ?? lag;
        var output = new float[frames];
        var reference = new float[bands];
        var diff = new float[bands];
        for (int t = lag; t < frames; t++)
        {
            int o = t - lag + pad;
            if (o >= frames) break;
            var prev = spectrogram.Slice((t - lag) * bands, bands);
            if (maxSize == 1) prev.CopyTo(reference);
            else MaxFilter(prev, reference, maxSize);
            TensorPrimitives.Subtract(spectrogram.Slice(t * bands, bands), reference, diff);
            TensorPrimitives.Max(diff, 0f, diff);
            float s = TensorPrimitives.Sum<float>(diff);
            output[o] = mean ? s / bands : s;
        }
        if (detrend) Detrend(output);
        return output;
    }

    /// <summary>
    /// librosa's default onset strength of a mono signal: log-power mel spectrogram (n_fft 2048, 128 bands, dB with
    /// top_db 80), lag 1, no max filter, mean over bands, centred frames.
    /// </summary>
    public static float[] Librosa(ReadOnlySpan<float> signal, int sampleRate, int hopLength = 512, int nFft = 2048,
        int melCount = 128, int lag = 1, int maxSize = 1, bool detrend = false)
    {
        var mel = new MelSpectrogram(sampleRate, nFft, hopLength, melCount);
        var db = mel.ComputeDb(signal);
        return Flux(db, melCount, lag, maxSize, lag + nFft / (2 * hopLength), detrend);
    }

    /// <summary>y[n] = x[n] − x[n−1] + 0.99·y[n−1], in place (librosa's detrend).</summary>
    public static void Detrend(Span<float> x)
    {
        double prevX = 0, prevY = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double y = x[i] - prevX + 0.99 * prevY;
            prevX = x[i];
            prevY = y;
            x[i] = (float)y;
        }
    }

    /// <summary>dst[b] = max of src over bands [b − size/2, b + size/2] (clipped at the edges).</summary>
    internal static void MaxFilter(ReadOnlySpan<float> src, Span<float> dst, int size)
    {
        int half = size / 2, n = src.Length;
        for (int b = 0; b < n; b++)
        {
            int lo = Math.Max(0, b - half), hi = Math.Min(n - 1, b - half + size - 1);
            float m = src[lo];
            for (int j = lo + 1; j <= hi; j++) if (src[j] > m) m = src[j];
            dst[b] = m;
        }
    }
}
