namespace Groove.Dsp;

/// <summary>Analysis window shapes (scipy.signal.get_window names in brackets).</summary>
public enum WindowKind
{
    /// <summary>Raised cosine ('hann'): 0.5 − 0.5·cos(2πn/N).</summary>
    Hann,
    /// <summary>'hamming': 0.54 − 0.46·cos(2πn/N).</summary>
    Hamming,
    /// <summary>'blackman': 0.42 − 0.5·cos(2πn/N) + 0.08·cos(4πn/N).</summary>
    Blackman,
    /// <summary>4-term Blackman–Harris ('blackmanharris').</summary>
    BlackmanHarris,
    /// <summary>All ones ('boxcar', 'rectangular', 'ones').</summary>
    Rectangular,
    /// <summary>Triangle with zero end points ('bartlett').</summary>
    Bartlett,
}

/// <summary>Window functions with scipy's conventions.</summary>
public static class Window
{
    /// <summary>
    /// A window of <paramref name="length"/> samples. <paramref name="periodic"/> = true gives the DFT-even window
    /// used for spectral analysis (scipy's <c>get_window(..., fftbins=True)</c>, librosa's default): the symmetric
    /// window of length+1 with its last sample dropped.
    /// </summary>
    public static float[] Create(WindowKind kind, int length, bool periodic = true)
    {
        if (length < 1) throw new ArgumentOutOfRangeException(nameof(length), "Window length must be at least 1.");
        var w = new float[length];
        if (length == 1) { w[0] = 1; return w; }
        int m = periodic ? length + 1 : length; // symmetric length
        double d = m - 1;
        for (int n = 0; n < length; n++)
        {
            double x = 2 * Math.PI * n / d;
            w[n] = (float)(kind switch
            {
                WindowKind.Hann => 0.5 - 0.5 * Math.Cos(x),
                WindowKind.Hamming => 0.54 - 0.46 * Math.Cos(x),
                WindowKind.Blackman => 0.42 - 0.5 * Math.Cos(x) + 0.08 * Math.Cos(2 * x),
                WindowKind.BlackmanHarris => 0.35875 - 0.48829 * Math.Cos(x) + 0.14128 * Math.Cos(2 * x) - 0.01168 * Math.Cos(3 * x),
                WindowKind.Rectangular => 1.0,
                WindowKind.Bartlett => n <= d / 2 ? 2.0 * n / d : 2.0 - 2.0 * n / d,
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            });
        }
        return w;
    }

    /// <summary>Parses a scipy-style window name ("hann", "hamming", "blackman", "blackmanharris", "boxcar"/"rectangular"/"ones", "bartlett").</summary>
    public static WindowKind Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "hann" or "hanning" => WindowKind.Hann,
        "hamming" => WindowKind.Hamming,
        "blackman" => WindowKind.Blackman,
        "blackmanharris" or "blackman-harris" => WindowKind.BlackmanHarris,
        "boxcar" or "rectangular" or "rect" or "ones" => WindowKind.Rectangular,
        "bartlett" or "triangle" => WindowKind.Bartlett,
        _ => throw new GrooveException($"unknown window '{name}' (use hann, hamming, blackman, blackmanharris, rectangular or bartlett)"),
    };

    /// <summary>Centres <paramref name="window"/> in <paramref name="size"/> samples, zero on both sides (librosa's pad_center).</summary>
    public static float[] PadCenter(ReadOnlySpan<float> window, int size)
    {
        if (window.Length > size) throw new ArgumentException($"Window of {window.Length} samples is longer than {size}.");
        var w = new float[size];
        window.CopyTo(w.AsSpan((size - window.Length) / 2));
        return w;
    }
}
