using System.Numerics.Tensors;

namespace Groove.Dsp;

/// <summary>Hz ↔ mel mapping.</summary>
public enum MelScale
{
    /// <summary>Slaney's Auditory Toolbox: linear below 1 kHz (200/3 Hz per mel), logarithmic above (librosa's default).</summary>
    Slaney,
    /// <summary>HTK: mel = 2595·log10(1 + f/700).</summary>
    Htk,
}

/// <summary>Filter normalisation.</summary>
public enum MelNorm
{
    /// <summary>Triangles peak at 1.</summary>
    None,
    /// <summary>Each triangle divided by its width in Hz/2 (constant energy per band; librosa's default "slaney").</summary>
    Slaney,
}

/// <summary>
/// Triangular mel filterbank as <c>librosa.filters.mel</c>: <see cref="MelCount"/> triangles whose corners are
/// mel_count + 2 points equally spaced in mel between fmin and fmax, evaluated on the FFT bin frequencies
/// k·sr/n_fft, k = 0..n_fft/2. Weights are computed in double precision and stored as float32,
/// <c>[mels × bins]</c> row-major.
/// </summary>
public sealed class MelFilterbank
{
    public int SampleRate { get; }
    public int NFft { get; }
    public int MelCount { get; }
    public int Bins => NFft / 2 + 1;
    public double FMin { get; }
    public double FMax { get; }
    public MelScale Scale { get; }
    public MelNorm Norm { get; }

    private readonly float[] _weights;
    private readonly int[] _first, _count; // non-zero bins of each filter

    /// <summary>Weights <c>[mels × bins]</c>, row-major.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <param name="sampleRate">Sample rate of the signal (Hz).</param>
    /// <param name="nFft">FFT size.</param>
    /// <param name="melCount">Number of bands.</param>
    /// <param name="fMin">Lowest edge (Hz).</param>
    /// <param name="fMax">Highest edge (Hz); default sr/2.</param>
    /// <param name="scale">Mel scale.</param>
    /// <param name="norm">Normalisation.</param>
    /// <param name="onWarning">Told when some filters cover no FFT bin (too many bands for n_fft), as librosa warns.</param>
    public MelFilterbank(int sampleRate, int nFft, int melCount = 128, double fMin = 0, double? fMax = null,
                         MelScale scale = MelScale.Slaney, MelNorm norm = MelNorm.Slaney, Action<string>? onWarning = null)
    {
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate));
        if (nFft < 1) throw new ArgumentOutOfRangeException(nameof(nFft));
        if (melCount < 1) throw new ArgumentOutOfRangeException(nameof(melCount), "At least one mel band is needed.");
        double fmax = fMax ?? sampleRate / 2.0;
        if (fMin < 0 || !(fmax > fMin)) throw new ArgumentOutOfRangeException(nameof(fMin), $"Need 0 ≤ fmin < fmax (got {fMin} and {fmax}).");
        SampleRate = sampleRate; NFft = nFft; MelCount = melCount; FMin = fMin; FMax = fmax; Scale = scale; Norm = norm;

        int bins = Bins;
        var melF = MelFrequencies(melCount + 2, fMin, fmax, scale);
        _weights = new float[melCount * bins];
        _first = new int[melCount];
        _count = new int[melCount];
        bool empty = false;
        for (int m = 0; m < melCount; m++)
        {
            double lo = melF[m], mid = melF[m + 1], hi = melF[m + 2];
            double dLo = mid - lo, dHi = hi - mid;
            double enorm = norm == MelNorm.Slaney ? 2.0 / (hi - lo) : 1.0;
            int first = -1, last = -1;
            double peak = 0;
            for (int k = 0; k < bins; k++)
            {
                double f = (double)k * sampleRate / nFft;
                double lower = (f - lo) / dLo;   // −ramps[m] / fdiff[m]
                double upper = (hi - f) / dHi;   // ramps[m+2] / fdiff[m+1]
                double w = Math.Max(0, Math.Min(lower, upper));
                if (w > 0)
                {
                    if (first < 0) first = k;
                    last = k;
                    peak = Math.Max(peak, w);
                }
                _weights[m * bins + k] = (float)(w * enorm);
            }
            if (first < 0) { empty = true; first = 0; last = -1; }
            _first[m] = first;
            _count[m] = last - first + 1;
        }
        if (empty)
            onWarning?.Invoke($"some of the {melCount} mel filters are empty (no FFT bin between their edges): use fewer mel bands or a larger n_fft");
    }

    /// <summary>Hz to mel.</summary>
    public static double HzToMel(double hz, MelScale scale)
    {
        if (scale == MelScale.Htk) return 2595.0 * Math.Log10(1.0 + hz / 700.0);
        const double fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp;
        double logStep = Math.Log(6.4) / 27.0;
        return hz >= minLogHz ? minLogMel + Math.Log(hz / minLogHz) / logStep : hz / fSp;
    }

    /// <summary>Mel to Hz.</summary>
    public static double MelToHz(double mel, MelScale scale)
    {
        if (scale == MelScale.Htk) return 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0);
        const double fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp;
        double logStep = Math.Log(6.4) / 27.0;
        return mel >= minLogMel ? minLogHz * Math.Exp(logStep * (mel - minLogMel)) : fSp * mel;
    }

    /// <summary><paramref name="count"/> frequencies (Hz) equally spaced in mel from fmin to fmax (librosa.mel_frequencies).</summary>
    public static double[] MelFrequencies(int count, double fMin, double fMax, MelScale scale)
    {
        double a = HzToMel(fMin, scale), b = HzToMel(fMax, scale);
        var f = new double[count];
        for (int i = 0; i < count; i++)
        {
            // numpy.linspace: start + i·step, with the last point exactly the stop
            double mel = count == 1 ? a : (i == count - 1 ? b : a + i * ((b - a) / (count - 1)));
            f[i] = MelToHz(mel, scale);
        }
        return f;
    }

    /// <summary>Applies the filterbank to one spectrum (Bins values) giving MelCount values.</summary>
    public void ApplyFrame(ReadOnlySpan<float> spectrum, Span<float> mel)
    {
        int bins = Bins;
        for (int m = 0; m < MelCount; m++)
        {
            int c = _count[m];
            mel[m] = c <= 0 ? 0f : TensorPrimitives.Dot(_weights.AsSpan(m * bins + _first[m], c), spectrum.Slice(_first[m], c));
        }
    }

    /// <summary>Applies the filterbank to a <c>[frames × bins]</c> spectrogram, giving <c>[frames × mels]</c>.</summary>
    public float[] Apply(ReadOnlySpan<float> spectrogram)
    {
        int bins = Bins;
        if (spectrogram.Length % bins != 0)
            throw new ArgumentException($"Spectrogram length {spectrogram.Length} is not a multiple of {bins} bins.", nameof(spectrogram));
        int frames = spectrogram.Length / bins;
        var mel = new float[(long)frames * MelCount];
        for (int t = 0; t < frames; t++)
            ApplyFrame(spectrogram.Slice(t * bins, bins), mel.AsSpan(t * MelCount, MelCount));
        return mel;
    }
}
