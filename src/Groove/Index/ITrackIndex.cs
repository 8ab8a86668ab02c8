namespace Groove.Index;

/// <summary>
/// A library index: per track (keyed by full path) its content hash, duration, an embedding of one model and the
/// outputs of other commands. Every write is one transaction, so an interrupted run never leaves a half-written
/// track; all vectors of an index come from one model (<see cref="Model"/>), and writing or querying with another
/// is a <see cref="GrooveException"/>. Implementations: <see cref="SqliteTrackIndex"/> (one file, WAL) and <see cref="PostgresTrackIndex"/> (a shared database).
/// Not thread-safe: one instance per thread (several processes may share the file).
/// </summary>
public interface ITrackIndex : IDisposable
{
    /// <summary>Where the index lives (file path or connection description).</summary>
    string Location { get; }
    /// <summary>The model whose vectors the index holds (null until the first embedding is written).</summary>
    string? Model { get; }
    /// <summary>Length of the vectors (0 until the first embedding is written).</summary>
    int Dimension { get; }
    /// <summary>Tracks in the index.</summary>
    int Count { get; }

    /// <summary>
    /// Throws a <see cref="GrooveException"/> when the index holds vectors of another model or length than
    /// <paramref name="model"/>/<paramref name="dimension"/> (an empty index accepts any).
    /// </summary>
    void RequireModel(string model, int dimension);

    /// <summary>
    /// True when <paramref name="path"/> is indexed with the same content hash and — when <paramref name="model"/> is
    /// given — has a vector of that model: the file need not be processed again.
    /// </summary>
    bool IsCurrent(string path, string contentHash, string? model = null);

    /// <summary>The track at <paramref name="path"/> (its tiles too when <paramref name="withTiles"/>), or null.</summary>
    IndexedTrack? Get(string path, bool withTiles = false);

    /// <summary>Every track, ordered by path (tiles not loaded).</summary>
    IReadOnlyList<IndexedTrack> List();

    /// <summary>
    /// Writes a track's embedding in one transaction (insert, or replace the previous embedding). Its tempo, key and
    /// results are kept when the content hash is unchanged and cleared otherwise (they describe the old bytes).
    /// The first embedding fixes the index's model and dimension.
    /// </summary>
    void PutEmbedding(string path, string contentHash, double durationSeconds, string model, float[] vector, IReadOnlyList<float[]> tiles);

    /// <summary>
    /// Writes a track's analysis in one transaction (null arguments leave the stored value unchanged). Its embedding
    /// is kept when the content hash is unchanged and removed otherwise.
    /// </summary>
    void PutAnalysis(string path, string contentHash, double durationSeconds, double? tempo = null, string? key = null, string? resultsJson = null);

    /// <summary>Removes a track; returns whether it was there.</summary>
    bool Remove(string path);

    /// <summary>All track vectors of the index's model, as a search matrix stored at <paramref name="precision"/>.</summary>
    VectorSearch LoadSearch(VectorPrecision precision = VectorPrecision.Float32);

    /// <summary>
    /// Changes whenever a write could have changed what <see cref="LoadSearch"/> returns (model, number of tracks,
    /// latest write time): what a saved search matrix records to tell whether it is stale.
    /// </summary>
    string Revision();
}
