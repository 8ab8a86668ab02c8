namespace Groove.Audio;

/// <summary>How <see cref="ClickTrackRenderer"/> sounds its clicks.</summary>
public sealed record ClickTrackOptions
{
    /// <summary>Peak level of an ordinary click in dB relative to full scale (default −6 dB, half of full scale).</summary>
    public double GainDb { get; init; } = -6;

    /// <summary>Sound downbeats (<c>BeatInBar == 1</c>) with a higher, louder click.</summary>
    public bool AccentDownbeats { get; init; }

    /// <summary>How much louder an accented click is than an ordinary one, in dB (default 6 dB).</summary>
    public double AccentGainDb { get; init; } = 6;

    /// <summary>Pitch of an ordinary click in Hz (default 1500).</summary>
    public double FrequencyHz { get; init; } = 1500;

    /// <summary>Pitch of an accented click in Hz (default 2500).</summary>
    public double AccentFrequencyHz { get; init; } = 2500;

    /// <summary>Time constant of the click's exponential decay in seconds (default 8 ms; the click lasts ~7 of them).</summary>
    public double DecaySeconds { get; init; } = 0.008;

    /// <summary>Throws <see cref="GrooveException"/> when a value is out of its sensible range.</summary>
    public void Validate()
    {
        if (!double.IsFinite(GainDb) || GainDb > 12 || GainDb < -120)
            throw new GrooveException($"click gain {GainDb} dB is out of range (-120 to 12 dB)");
        if (!double.IsFinite(AccentGainDb) || Math.Abs(AccentGainDb) > 24)
            throw new GrooveException($"accent gain {AccentGainDb} dB is out of range (-24 to 24 dB)");
        if (!(FrequencyHz > 0) || !(AccentFrequencyHz > 0) || !double.IsFinite(FrequencyHz) || !double.IsFinite(AccentFrequencyHz))
            throw new GrooveException("click frequencies must be positive");
        if (!(DecaySeconds > 0) || DecaySeconds > 1)
            throw new GrooveException($"click decay {DecaySeconds} s is out of range (0 to 1 s)");
    }
}
