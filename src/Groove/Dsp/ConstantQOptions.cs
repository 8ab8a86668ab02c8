namespace Groove.Dsp;

/// <summary>
/// Parameters of a constant-Q (CQT, γ = 0) or variable-Q (VQT, γ &gt; 0) transform, named and defaulted as in
/// librosa's <c>cqt</c>/<c>vqt</c> (window Hann, L1 filter normalisation, zero ("constant") centre padding).
/// Build with <see cref="Cqt"/> or <see cref="Vqt"/>.
/// </summary>
public sealed record ConstantQOptions
{
    /// <summary>C1 in Hz (librosa's default fmin).</summary>
    public const double C1 = 32.703195662574829;

    /// <summary>Input sample rate (Hz).</summary>
    public required int SampleRate { get; init; }
    /// <summary>Samples between frames at <see cref="SampleRate"/>; frame j is centred on sample j·hop.</summary>
    public int HopLength { get; init; } = 512;
    /// <summary>Centre frequency of the lowest bin before tuning (Hz).</summary>
    public double Fmin { get; init; } = C1;
    /// <summary>Number of bins.</summary>
    public int BinCount { get; init; } = 84;
    public int BinsPerOctave { get; init; } = 12;
    /// <summary>Bandwidth offset γ in Hz: 0 for a CQT; <see cref="WaveletFilters.ErbGamma"/> for librosa's VQT default.</summary>
    public double Gamma { get; init; }
    /// <summary>Tuning offset in fractions of a bin: the lowest bin is Fmin·2^(tuning / bins_per_octave).</summary>
    public double Tuning { get; init; }
    /// <summary>Filter length multiplier (librosa's <c>filter_scale</c>).</summary>
    public double FilterScale { get; init; } = 1;
    /// <summary>Fraction of each frequency-domain kernel's L1 mass that may be dropped (librosa's <c>sparsity</c>).</summary>
    public double Sparsity { get; init; } = 0.01;
    /// <summary>Divide each bin by √(filter length) (librosa's <c>scale=True</c>).</summary>
    public bool Scale { get; init; } = true;

    /// <summary>Centre frequencies of the bins after tuning (Hz), lowest first.</summary>
    public double[] Frequencies() =>
        WaveletFilters.Frequencies(Fmin * Math.Pow(2.0, Tuning / BinsPerOctave), BinCount, BinsPerOctave);

    /// <summary>A constant-Q transform (γ = 0), as <c>librosa.cqt</c>.</summary>
    public static ConstantQOptions Cqt(int sampleRate, int hopLength = 512, double fmin = C1, int binCount = 84, int binsPerOctave = 12) =>
        new() { SampleRate = sampleRate, HopLength = hopLength, Fmin = fmin, BinCount = binCount, BinsPerOctave = binsPerOctave };

    /// <summary>A variable-Q transform with librosa's default ERB-derived γ = 24.7·α / 0.108, as <c>librosa.vqt</c>.</summary>
    public static ConstantQOptions Vqt(int sampleRate, int hopLength = 512, double fmin = C1, int binCount = 84, int binsPerOctave = 12) =>
        Cqt(sampleRate, hopLength, fmin, binCount, binsPerOctave) with
        {
            Gamma = WaveletFilters.ErbGamma(WaveletFilters.Alpha(binsPerOctave)),
        };
}
