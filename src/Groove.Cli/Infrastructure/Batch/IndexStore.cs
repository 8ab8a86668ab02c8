using System.Text.Json;
using Groove.Index;
using Groove.IO;

namespace Groove.Cli.Infrastructure.Batch;

/// <summary>
/// <c>groove batch --db LIB</c>: results go into the library index (<see cref="ITrackIndex"/>, the SQLite file or PostgreSQL database that
/// <c>groove embed</c>, <c>similar</c> and <c>cluster</c> use), keyed by the track's full path, one transaction per
/// write. Per track: the batch result JSON (beats, MIREX tempo, key) in its results column, the main tempo and the
/// key label in theirs, and with the <c>embed</c> task its vectors (<see cref="ITrackIndex.PutEmbedding"/>, written
/// first, so a track whose results JSON is there is whole). A failure is a results JSON with an <c>error</c>.
/// A track is done when its results JSON holds every task asked for (and, with <c>embed</c>, a vector of this model).
/// The index is not thread-safe: one instance serves every worker under a lock (writes are small next to the analysis).
/// </summary>
internal sealed class IndexStore : IBatchStore
{
    private readonly ITrackIndex _index;
    private readonly BatchTasks _tasks;
    private readonly string? _model;
    private readonly Lock _gate = new();

    /// <param name="index">The open index (this store disposes it).</param>
    /// <param name="tasks">What each track must have.</param>
    /// <param name="embeddingModel">With the embed task: the model whose vectors are written.</param>
    public IndexStore(ITrackIndex index, BatchTasks tasks, string? embeddingModel)
    {
        _index = index;
        _tasks = tasks;
        _model = embeddingModel;
    }

    /// <inheritdoc/>
    public string Location => _index.Location;

    /// <inheritdoc/>
    public IDisposable LockShard(Shard shard)
    {
        var name = $"{_index.Location}.shard-{shard.Index}-of-{shard.Count}.lock";
        if (_index is not PostgresTrackIndex pg) return ShardLock.Take(name, Location, shard);
        // A shared catalogue: the lock lives in the server, so runs on other machines see it too.
        return pg.TryLock(name) ?? throw ShardLock.Busy(Location, shard);
    }

    /// <inheritdoc/>
    public void RemoveAbandoned(IReadOnlyCollection<BatchTrack> tracks) { } // an interrupted transaction is rolled back by the database

    /// <inheritdoc/>
    public TrackState State(BatchTrack track)
    {
        IndexedTrack? stored;
        lock (_gate) stored = _index.Get(track.File);
        if (stored?.ResultsJson is not { } json) return TrackState.Todo;
        JsonElement root;
        try { root = JsonDocument.Parse(json).RootElement.Clone(); }
        catch (JsonException) { return TrackState.Todo; } // written by another command: redo
        if (root.ValueKind != JsonValueKind.Object) return TrackState.Todo;
        if (root.TryGetProperty("error", out _)) return TrackState.Failed;
        foreach (var (name, task) in BatchTaskNames.All)
            if (task != BatchTasks.Embed && _tasks.HasFlag(task) && !root.TryGetProperty(name, out _)) return TrackState.Todo;
        if (_tasks.HasFlag(BatchTasks.Embed) && (stored.Vector is null || stored.Model != _model)) return TrackState.Todo;
        return TrackState.Done;
    }

    /// <inheritdoc/>
    public void SaveResult(BatchTrack track, TrackOutcome outcome)
    {
        var hash = ContentHash.Of(track.File);
        var json = ResultWriter.BatchTrackJson(track.Listed, _tasks & ~BatchTasks.Embed, outcome);
        double duration = outcome.Analysis?.Duration ?? outcome.Embedding?.DurationSeconds ?? 0;
        double? tempo = _tasks.HasFlag(BatchTasks.Tempo) ? outcome.Analysis?.Beats?.Tempo : null;
        string? key = _tasks.HasFlag(BatchTasks.Key) ? outcome.Analysis?.Key?.Global.Label : null;
        lock (_gate)
        {
            if (outcome.Embedding is { } e)
                _index.PutEmbedding(track.File, hash, duration, outcome.EmbeddingModel!, e.Vector, e.Tiles);
            _index.PutAnalysis(track.File, hash, duration, tempo, key, json);
        }
    }

    /// <inheritdoc/>
    public void SaveFailure(BatchTrack track, string reason)
    {
        string hash;
        try { hash = ContentHash.Of(track.File); }
        catch (GrooveException) { hash = ""; } // missing or unreadable: the failure is recorded all the same
        lock (_gate) _index.PutAnalysis(track.File, hash, 0, resultsJson: ResultWriter.BatchFailureJson(track.Listed, reason));
    }

    /// <inheritdoc/>
    public void Dispose() => _index.Dispose();
}
