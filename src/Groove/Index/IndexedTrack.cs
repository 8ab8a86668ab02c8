namespace Groove.Index;

/// <summary>
/// One track of a <see cref="ITrackIndex"/>: where it is, what its bytes hash to, how long it is, and what Groove
/// computed from it — the embedding of one model (track vector and one vector per 5 s tile) and/or the outputs of
/// other commands (tempo, key, any result as JSON). Each part may be absent.
/// </summary>
public sealed record IndexedTrack
{
    /// <summary>Full path of the file (the index's key).</summary>
    public required string Path { get; init; }
    /// <summary>Hash of the file's bytes when it was indexed (<see cref="ContentHash"/>).</summary>
    public required string ContentHash { get; init; }
    /// <summary>Duration in seconds.</summary>
    public double DurationSeconds { get; init; }
    /// <summary>Model of <see cref="Vector"/> (null: no embedding).</summary>
    public string? Model { get; init; }
    /// <summary>Track vector (float32), or null.</summary>
    public float[]? Vector { get; init; }
    /// <summary>Per-tile vectors, or null when not loaded or absent.</summary>
    public IReadOnlyList<float[]>? Tiles { get; init; }
    /// <summary>Tempo in BPM, when computed.</summary>
    public double? Tempo { get; init; }
    /// <summary>Key label (e.g. "A minor"), when computed.</summary>
    public string? Key { get; init; }
    /// <summary>Any other result, as JSON text.</summary>
    public string? ResultsJson { get; init; }
    /// <summary>When the row was last written (UTC).</summary>
    public DateTimeOffset Updated { get; init; }
}
