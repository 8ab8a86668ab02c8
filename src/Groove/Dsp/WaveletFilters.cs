namespace Groove.Dsp;

/// <summary>
/// Geometry of constant-Q / variable-Q filters, with librosa's (≥ 0.10) definitions
/// (<c>librosa.filters.wavelet_lengths</c>):
/// <list type="bullet">
/// <item>relative bandwidth α = (r² − 1) / (r² + 1) with r = 2^(1/bins_per_octave) (librosa's <c>__bpo_to_alpha</c>);</item>
/// <item>quality factor Q = filter_scale / α;</item>
/// <item>bandwidth offset γ: 0 for the CQT; for the VQT default, the ERB-derived γ = 24.7·α / 0.108
/// (Glasberg &amp; Moore 1990: ERB(f) = 24.7 + 0.108·f, so a filter of bandwidth α·f + γ tracks ERB-like widening
/// at low frequencies; Schörkhuber et al. 2014, "A Matlab toolbox for efficient perfect reconstruction time-frequency
/// transforms with log-frequency resolution");</item>
/// <item>filter length (samples) L(f) = Q·sr / (f + γ/α);</item>
/// <item>cutoff of the highest filter f·(1 + ½·B_w/Q) + ½·γ, with B_w the window's equivalent noise bandwidth in bins
/// (Hann: 1.50018310546875), which must stay below Nyquist.</item>
/// </list>
/// </summary>
internal static class WaveletFilters
{
    /// <summary>Equivalent noise bandwidth of the Hann window in FFT bins (librosa's <c>WINDOW_BANDWIDTHS["hann"]</c>).</summary>
    public const double HannBandwidth = 1.50018310546875;

    /// <summary>Relative bandwidth α for equally spaced bins (librosa 0.10's <c>__bpo_to_alpha</c>).</summary>
    public static double Alpha(int binsPerOctave)
    {
        double r2 = Math.Pow(2.0, 2.0 / binsPerOctave);
        return (r2 - 1) / (r2 + 1);
    }

    /// <summary>The VQT's default bandwidth offset γ (Hz) for relative bandwidth α: 24.7·α / 0.108.</summary>
    public static double ErbGamma(double alpha) => alpha * 24.7 / 0.108;

    /// <summary>Filter length in samples at <paramref name="sampleRate"/> for centre frequency <paramref name="freq"/>.</summary>
    public static double Length(double freq, double sampleRate, double alpha, double gamma, double filterScale)
    {
        double q = filterScale / alpha;
        return q * sampleRate / (freq + gamma / alpha);
    }

    /// <summary>Upper cutoff (Hz) of the filter at <paramref name="freq"/> (Hann window).</summary>
    public static double Cutoff(double freq, double alpha, double gamma, double filterScale)
    {
        double q = filterScale / alpha;
        return freq * (1 + 0.5 * HannBandwidth / q) + 0.5 * gamma;
    }

    /// <summary>Centre frequencies fmin·2^(k / bins_per_octave), k = 0 … n_bins − 1.</summary>
    public static double[] Frequencies(double fmin, int nBins, int binsPerOctave)
    {
        var f = new double[nBins];
        for (int k = 0; k < nBins; k++) f[k] = fmin * Math.Pow(2.0, (double)k / binsPerOctave);
        return f;
    }

    /// <summary>
    /// One complex filter, as librosa's <c>filters.wavelet</c>: a phasor at <paramref name="freq"/> sampled at
    /// n = floor(−L/2) … ceil(L/2) − 1 (⌈L⌉ samples), times a periodic Hann window of that many samples, L1-normalised.
    /// Returns interleaved re/im.
    /// </summary>
    public static float[] Kernel(double freq, double sampleRate, double length)
    {
        int start = (int)Math.Floor(-length / 2);
        int stop = (int)Math.Floor(length / 2);
        int n = stop - start;
        var k = new float[2 * n];
        double sum = 0;
        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            w[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / n); // periodic Hann (scipy get_window(fftbins=True))
            sum += w[i]; // |phasor| = 1, so the L1 norm is the window's sum
        }
        double omega = 2 * Math.PI * freq / sampleRate;
        for (int i = 0; i < n; i++)
        {
            double ph = (start + i) * omega;
            double a = w[i] / sum;
            k[2 * i] = (float)(a * Math.Cos(ph));
            k[2 * i + 1] = (float)(a * Math.Sin(ph));
        }
        return k;
    }
}
