namespace Groove.Audio;

/// <summary>
/// What <see cref="AudioFile.Load"/> should hand back. Channel selection, mono mixdown and resampling all happen
/// while the file streams in, so memory grows with the requested output, not with the file's own format.
/// </summary>
public sealed record AudioLoadOptions
{
    /// <summary>The default <see cref="MaxDuration"/>: 30 minutes.</summary>
    public static readonly TimeSpan DefaultMaxDuration = TimeSpan.FromMinutes(30);

    /// <summary>Resample to this rate (samples per second); null keeps the file's rate.</summary>
    public int? SampleRate { get; init; }

    /// <summary>Average the (selected) channels into one.</summary>
    public bool Mono { get; init; }

    /// <summary>Keep only these channels (0-based, in this order); null keeps all.</summary>
    public IReadOnlyList<int>? Channels { get; init; }

    /// <summary>
    /// Longest input accepted. Longer files fail with a one-line <see cref="GrooveException"/> before their samples
    /// are kept (from the header's duration when it has one, otherwise as soon as decoding passes the limit), so an
    /// accidental 3-hour file can neither exhaust memory nor keep a batch busy. At 30 minutes the decoded result
    /// takes at most 30 × 60 × rate × channels × 4 bytes (about 160 MB for mono at 22050 Hz, 635 MB for 44.1 kHz
    /// stereo). Must be positive; raise it for long recordings; <see cref="AudioFile.Scan"/> has no limit (it keeps no samples).
    /// </summary>
    public TimeSpan MaxDuration { get; init; } = DefaultMaxDuration;

    /// <summary>Resampling quality when <see cref="SampleRate"/> differs from the file's rate.</summary>
    public ResampleQuality ResampleQuality { get; init; } = ResampleQuality.High;

    /// <summary>Stops decoding (and kills any decoder process) when cancelled.</summary>
    public CancellationToken CancellationToken { get; init; }
}
