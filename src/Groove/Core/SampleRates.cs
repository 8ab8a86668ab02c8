namespace Groove;

/// <summary>Sample rates shared by the analysis front ends.</summary>
public static class SampleRates
{
    /// <summary>
    /// The rate the front ends analyse at (librosa's default): the beat trackers' onset strength and mel features, the
    /// STONE CQT, <c>groove features</c>' default. Inputs at other rates are resampled inside each front end.
    /// </summary>
    public const int Analysis = 22050;
}
