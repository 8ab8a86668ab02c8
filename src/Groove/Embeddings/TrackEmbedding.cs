namespace Groove.Embeddings;

/// <summary>A recording's embedding: one vector per 5 s tile and the track vector (their normalised mean).</summary>
public sealed record TrackEmbedding(float[] Vector, IReadOnlyList<float[]> Tiles, double DurationSeconds);
