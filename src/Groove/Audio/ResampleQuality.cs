namespace Groove.Audio;

/// <summary>
/// Trade-off between speed and accuracy of <see cref="Resampler"/>. Each level sets the passband edge (as a fraction
/// of the lower of the two Nyquist frequencies; the stopband starts at that Nyquist frequency) and the design
/// attenuation of the Kaiser-windowed sinc.
/// </summary>
public enum ResampleQuality
{
    /// <summary>Passband to 0.80 × Nyquist, 60 dB design attenuation; shortest filter.</summary>
    Fast,
    /// <summary>Passband to 0.85 × Nyquist, 80 dB design attenuation.</summary>
    Medium,
    /// <summary>Passband to 0.90 × Nyquist, 100 dB design attenuation (at least 80 dB measured, see the tests).</summary>
    High,
}
