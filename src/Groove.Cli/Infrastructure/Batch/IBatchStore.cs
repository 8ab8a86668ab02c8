using Groove.Analysis;
using Groove.Embeddings;
using Groove.IO;

namespace Groove.Cli.Infrastructure.Batch;

/// <summary>Where a track stands in a result store.</summary>
internal enum TrackState { Todo, Done, Failed }

/// <summary>One track of a catalogue run: its path as the manifest lists it, the file to open, and its id.</summary>
internal sealed record BatchTrack(string Listed, string File, string Id);

/// <summary>What a catalogue run computed for one track (each part null when its tasks were not asked for).</summary>
internal sealed record TrackOutcome(AnalysisResult? Analysis, TrackEmbedding? Embedding, string? EmbeddingModel);

/// <summary>
/// Where <c>groove batch</c> keeps results: a folder of JSON files (<see cref="ResultFolder"/>, <c>--out</c>) or the
/// library index (<see cref="IndexStore"/>, <c>--db</c>). Every save is whole (a rename, or one transaction), so a
/// killed run leaves finished tracks and nothing half-written. Calls may come from several threads at once.
/// </summary>
internal interface IBatchStore : IDisposable
{
    /// <summary>The store in messages.</summary>
    string Location { get; }

    /// <summary>Holds this shard of the store for the run, so a second run of the same shard stops at once.</summary>
    /// <exception cref="GrooveException">Another process holds it.</exception>
    IDisposable LockShard(Shard shard);

    /// <summary>Tidies what killed runs of this shard left (only for <paramref name="tracks"/>: other shards' may be live).</summary>
    void RemoveAbandoned(IReadOnlyCollection<BatchTrack> tracks);

    /// <summary>Done when the track has every result asked for, failed when its last attempt failed.</summary>
    TrackState State(BatchTrack track);

    /// <summary>Saves the track's results whole, replacing an earlier failure.</summary>
    void SaveResult(BatchTrack track, TrackOutcome outcome);

    /// <summary>Saves the track's failure with the reason, whole.</summary>
    void SaveFailure(BatchTrack track, string reason);
}
