namespace Groove.Dsp;

/// <summary>
/// Settings of median-filtering harmonic/percussive separation, named and defaulted as librosa's
/// <c>decompose.hpss</c>.
/// </summary>
public sealed record HpssOptions
{
    /// <summary>Median filter length along time (frames) for the harmonic estimate.</summary>
    public int HarmonicKernel { get; init; } = 31;
    /// <summary>Median filter length along frequency (bins) for the percussive estimate.</summary>
    public int PercussiveKernel { get; init; } = 31;
    /// <summary>Exponent of the soft masks (2: Wiener-like); <see cref="double.PositiveInfinity"/> gives binary masks.</summary>
    public double Power { get; init; } = 2.0;
    /// <summary>Harmonic margin (≥ 1): a bin is harmonic only where H exceeds margin·P. Margins &gt; 1 leave a residual.</summary>
    public double HarmonicMargin { get; init; } = 1.0;
    /// <summary>Percussive margin (≥ 1).</summary>
    public double PercussiveMargin { get; init; } = 1.0;

    internal void Validate()
    {
        if (HarmonicKernel < 1 || PercussiveKernel < 1) throw new ArgumentOutOfRangeException(nameof(HarmonicKernel), "kernel sizes must be ≥ 1");
        if (!(Power > 0)) throw new ArgumentOutOfRangeException(nameof(Power), "power must be > 0");
        if (HarmonicMargin < 1 || PercussiveMargin < 1) throw new ArgumentOutOfRangeException(nameof(HarmonicMargin), "margins must be ≥ 1");
    }
}
