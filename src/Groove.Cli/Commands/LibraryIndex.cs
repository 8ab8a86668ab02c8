using Groove.Embeddings;
using Groove.Index;

namespace Groove.Cli.Commands;

/// <summary>What the library commands (embed, similar, cluster, probe) share: opening <c>--index</c> and choosing the embedder.</summary>
internal static class LibraryIndex
{
    /// <summary>
    /// Opens the index named by <c>--index</c>: a PostgreSQL URL or connection string (<see cref="PostgresLocation"/>),
    /// or an SQLite file path (the folder must exist).
    /// </summary>
    public static ITrackIndex Open(string location) =>
        PostgresLocation.Is(location) ? PostgresTrackIndex.Open(location) : SqliteTrackIndex.Open(location);

    /// <summary>Opens an index that must already exist and hold vectors.</summary>
    public static ITrackIndex OpenExisting(string location)
    {
        if (!PostgresLocation.Is(location) && !File.Exists(location)) throw new GrooveException($"{location}: no such index (make one with groove embed)");
        var index = Open(location);
        if (index.Model is null) { index.Dispose(); throw new GrooveException($"{index.Location}: the index holds no embeddings yet (run groove embed)"); }
        return index;
    }

    /// <summary>The embedder for <paramref name="model"/>, or — when null — the kind that made the index's vectors.</summary>
    public static TrackEmbedder Embedder(string? model, ITrackIndex index)
    {
        model ??= TrackEmbedder.KindOf(index.Model);
        return TrackEmbedder.Create(model);
    }
}
