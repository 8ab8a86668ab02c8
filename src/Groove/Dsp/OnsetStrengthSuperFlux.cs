using System.Numerics.Tensors;
using Groove.Audio;

namespace Groove.Dsp;

/// <summary>Settings of <see cref="SuperFluxOnsetStrength"/>.</summary>
public sealed record SuperFluxOptions
{
    /// <summary>The signal is resampled to this rate first.</summary>
    public int SampleRate { get; init; } = SampleRates.Analysis;
    /// <summary>FFT size (1024 at 22.05 kHz ≈ 46 ms, as SuperFlux's 2048 at 44.1 kHz).</summary>
    public int NFft { get; init; } = 1024;
    /// <summary>Hop in samples (221 at 22.05 kHz ≈ 100 frames per second).</summary>
    public int HopLength { get; init; } = 221;
    /// <summary>Log-frequency bands per octave.</summary>
    public int BandsPerOctave { get; init; } = 24;
    public double FMin { get; init; } = 30;
    public double FMax { get; init; } = 11000;
    /// <summary>Maximum filter over this many bands on the reference frame (1: plain spectral flux).</summary>
    public int MaxSize { get; init; } = 3;
    /// <summary>Frames between the compared spectra.</summary>
    public int Lag { get; init; } = 2;
    /// <summary>Magnitudes are compressed as log10(1 + Multiplier·|X|).</summary>
    public float Multiplier { get; init; } = 1f;
    /// <summary>Upper edges (Hz) of the sub-bands whose flux is also reported separately (last band runs to FMax).</summary>
    public IReadOnlyList<double> SubBandEdges { get; init; } = [200, 2000];
}

/// <summary>
/// An onset strength envelope and what it was computed from.
/// </summary>
/// <param name="Values">Flux summed over all bands, one value per frame.</param>
/// <param name="SubBands">Flux per sub-band (<see cref="SuperFluxOptions.SubBandEdges"/>), each one value per frame.</param>
/// <param name="FramesPerSecond">Frame rate.</param>
/// <param name="LogSpectrogram">The log-magnitude filterbank spectrogram, <c>[frames × Bands]</c>.</param>
/// <param name="BandFrequencies">Centre frequency of each band in Hz.</param>
public sealed record OnsetEnvelope(float[] Values, float[][] SubBands, double FramesPerSecond, float[] LogSpectrogram, double[] BandFrequencies)
{
    public int Frames => Values.Length;
    public int Bands => BandFrequencies.Length;
}

/// <summary>
/// SuperFlux onset strength (Böck &amp; Widmer 2013, "Maximum filter vibrato suppression for onset detection", DAFx):
/// STFT magnitude → triangular log-frequency filterbank → log10(1 + |X|) → positive difference to the max-filtered
/// spectrum <c>lag</c> frames earlier, summed over bands; also per sub-band (multi-band flux, e.g. bass / mid / high).
/// Thread-safe.
/// </summary>
public sealed class SuperFluxOnsetStrength
{
    private readonly Stft _stft;
    private readonly float[] _filters;   // [bands × bins]
    private readonly double[] _centres;
    private readonly int[] _subBandOf;   // band -> sub-band
    private readonly int _subBands;

    public SuperFluxOptions Options { get; }
    public double FramesPerSecond => (double)Options.SampleRate / Options.HopLength;

    public SuperFluxOnsetStrength(SuperFluxOptions? options = null)
    {
        Options = options ?? new SuperFluxOptions();
        _stft = new Stft(Options.NFft, Options.HopLength, null, WindowKind.Hann, center: true);
        (_filters, _centres) = LogFilterbank(Options.SampleRate, Options.NFft, Options.BandsPerOctave, Options.FMin, Math.Min(Options.FMax, Options.SampleRate / 2.0));
        _subBands = Options.SubBandEdges.Count + 1;
        _subBandOf = new int[_centres.Length];
        for (int b = 0; b < _centres.Length; b++)
        {
            int s = 0;
            while (s < Options.SubBandEdges.Count && _centres[b] >= Options.SubBandEdges[s]) s++;
            _subBandOf[b] = s;
        }
    }

    /// <summary>Onset strength of a mono signal at <paramref name="sampleRate"/> (resampled as needed).</summary>
    public OnsetEnvelope Compute(ReadOnlySpan<float> mono, int sampleRate)
    {
        float[] signal = sampleRate == Options.SampleRate ? mono.ToArray() : Resampler.Resample(mono, sampleRate, Options.SampleRate);
        int frames = _stft.FrameCount(signal.Length);
        int bands = _centres.Length, bins = _stft.Bins;
        if (frames == 0) return new OnsetEnvelope([], Enumerable.Range(0, _subBands).Select(_ => Array.Empty<float>()).ToArray(), FramesPerSecond, [], _centres);
        var mag = _stft.Magnitude(signal);
        var spec = new float[(long)frames * bands];
        for (int t = 0; t < frames; t++)
        {
            var m = mag.AsSpan(t * bins, bins);
            var dst = spec.AsSpan(t * bands, bands);
            for (int b = 0; b < bands; b++) dst[b] = TensorPrimitives.Dot(_filters.AsSpan(b * bins, bins), m);
            TensorPrimitives.Multiply(dst, Options.Multiplier, dst);
            TensorPrimitives.Add(dst, 1f, dst);
            TensorPrimitives.Log10(dst, dst);
        }

        var total = new float[frames];
        var sub = new float[_subBands][];
        for (int s = 0; s < _subBands; s++) sub[s] = new float[frames];
        var reference = new float[bands];
        var diff = new float[bands];
        int lag = Options.Lag;
        for (int t = lag; t < frames; t++)
        {
            OnsetStrength.MaxFilter(spec.AsSpan((t - lag) * bands, bands), reference, Options.MaxSize);
            TensorPrimitives.Subtract(spec.AsSpan(t * bands, bands), reference, diff);
            TensorPrimitives.Max(diff, 0f, diff);
            float sum = 0;
            for (int b = 0; b < bands; b++) { sum += diff[b]; sub[_subBandOf[b]][t] += diff[b]; }
            total[t] = sum;
        }
        return new OnsetEnvelope(total, sub, FramesPerSecond, spec, _centres);
    }

    /// <summary>The STFT frame count for <paramref name="length"/> samples at <see cref="SuperFluxOptions.SampleRate"/>.</summary>
    internal int FrameCount(long length) => _stft.FrameCount((int)Math.Min(int.MaxValue, length));

    /// <summary>Samples of context a segment needs on each side for its inner frames to equal the whole signal's
    /// (half a window, plus the frames the flux looks back).</summary>
    internal int SegmentMargin => Options.NFft / 2 + (Options.Lag + 2) * Options.HopLength;

    /// <summary>
    /// Triangular filters with centres spaced 1/<paramref name="perOctave"/> octave apart from fmin to fmax, snapped to
    /// FFT bins with duplicates merged (so low bands are at least one bin apart), each normalised to unit area.
    /// </summary>
    internal static (float[] Weights, double[] Centres) LogFilterbank(int sr, int nFft, int perOctave, double fMin, double fMax)
    {
        int bins = nFft / 2 + 1;
        double binHz = (double)sr / nFft;
        var centreBins = new List<int>();
        for (double f = fMin; f <= fMax * 1.0000001; f *= Math.Pow(2, 1.0 / perOctave))
        {
            int bin = (int)Math.Round(f / binHz);
            if (bin >= bins - 1) break;
            if (centreBins.Count == 0 || bin > centreBins[^1]) centreBins.Add(bin);
        }
        if (centreBins.Count < 3) throw new GrooveException("the onset filterbank has too few bands for this FFT size and frequency range");
        int bands = centreBins.Count - 2;
        var weights = new float[bands * bins];
        var centres = new double[bands];
        for (int b = 0; b < bands; b++)
        {
            int lo = centreBins[b], mid = centreBins[b + 1], hi = centreBins[b + 2];
            centres[b] = mid * binHz;
            var row = weights.AsSpan(b * bins, bins);
            for (int k = lo; k <= hi; k++)
                row[k] = k <= mid ? (mid == lo ? 1f : (float)(k - lo) / (mid - lo)) : (float)(hi - k) / (hi - mid);
            row[lo] = mid == lo ? 1f : 0f;
            row[hi] = 0f;
            if (lo == mid) row[lo] = 1f;
            float area = TensorPrimitives.Sum<float>(row);
            if (area <= 0) { row[mid] = 1f; area = 1f; }
            TensorPrimitives.Divide(row, area, row);
        }
        return (weights, centres);
    }
}
