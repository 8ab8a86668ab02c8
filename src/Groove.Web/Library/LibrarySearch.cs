using Groove.Embeddings;
using Groove.Index;

namespace Groove.Web.Library;

/// <summary>
/// The library index the app searches (<c>groove serve --index LIB</c>: an SQLite file or a PostgreSQL database
/// that <c>groove embed</c> fills). One connection, used under a lock; the search matrix is loaded on first use and
/// again whenever the index's <see cref="ITrackIndex.Revision"/> changes (another process added tracks), and
/// queries run on it outside the lock (<see cref="VectorSearch"/> is thread-safe). An uploaded song is embedded
/// with the kind of model that made the index's vectors, one at a time.
/// </summary>
internal sealed class LibrarySearch : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Lock _embedGate = new();
    private readonly ITrackIndex _index;
    private VectorSearch? _search;
    private string? _revision;
    private TrackEmbedder? _embedder;

    /// <summary>Opens the index (so that a bad location stops <c>groove serve</c> at once, in one line).</summary>
    public LibrarySearch(string location) => _index = PostgresLocation.Is(location) ? PostgresTrackIndex.Open(location) : SqliteTrackIndex.Open(location);

    /// <summary>Tracks with a vector, and their model (null while the index holds none).</summary>
    public (int Tracks, string? Model) Summary()
    {
        var search = Current();
        lock (_gate) return (search.Count, _index.Model);
    }

    private VectorSearch Current()
    {
        lock (_gate)
        {
            var revision = _index.Revision();
            if (_search is null || revision != _revision)
            {
                _search?.Dispose();
                _search = _index.LoadSearch();
                _revision = revision;
            }
            return _search;
        }
    }

    /// <summary>The <paramref name="k"/> tracks most like the indexed track <paramref name="name"/> (path or unique file name); null when no track has that name.</summary>
    public LibraryAnswer? SimilarToTrack(string name, int k)
    {
        var search = Current();
        IndexedTrack? track;
        lock (_gate) track = TrackLookup.Find(_index, search, name);
        if (track?.Vector is null) return null;
        return new LibraryAnswer(track.Path, _index.Model, search.TopK(track.Vector, k, track.Path));
    }

    /// <summary>The <paramref name="k"/> tracks most like the audio file at <paramref name="audioPath"/>, embedded now.</summary>
    /// <exception cref="GrooveException">The index holds no vectors yet, or the file cannot be decoded.</exception>
    public LibraryAnswer SimilarToAudio(string audioPath, string name, int k)
    {
        var search = Current();
        string? model;
        lock (_gate) model = _index.Model;
        if (model is null || search.Count == 0) throw new GrooveException("the library index holds no embeddings yet (run groove embed)");
        float[] vector;
        lock (_embedGate)
        {
            if (_embedder is null || _embedder.ModelName != model)
            {
                var embedder = TrackEmbedder.Create(TrackEmbedder.KindOf(model));
                if (embedder.ModelName != model || embedder.Dimension != search.Dimension)
                    throw new GrooveException($"the library's vectors are of model '{model}', which this server cannot compute (it has '{embedder.ModelName}')");
                _embedder = embedder;
            }
            vector = _embedder.EmbedFile(audioPath).Vector;
        }
        return new LibraryAnswer(name, model, search.TopK(vector, k));
    }

    public void Dispose()
    {
        _search?.Dispose();
        _index.Dispose();
    }
}

/// <summary>A similarity answer: what was asked, the index's model, and the hits best first.</summary>
internal sealed record LibraryAnswer(string Query, string? Model, IReadOnlyList<SearchHit> Hits)
{
    /// <summary>The JSON body: <c>{query, model, results: [{path, name, cosine}]}</c>.</summary>
    public object Json() => new
    {
        query = Query,
        model = Model,
        results = Hits.Select(h => new { path = h.Id, name = Path.GetFileName(h.Id), cosine = h.Cosine }),
    };
}
