using System.Numerics.Tensors;

namespace Groove.Index;

/// <summary>One search hit: the item's id (a track path) and its cosine similarity to the query.</summary>
public readonly record struct SearchHit(string Id, float Cosine);

/// <summary>
/// Exact cosine top-k over a float32 matrix kept in memory (rows L2-normalised once at construction; a query is
/// normalised and dotted with every row through <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>,
/// which takes the widest vector path the CPU has; the k best are kept in a bounded min-heap). Thread-safe for
/// queries. The layout (one contiguous row-major matrix and an id per row) is what an approximate index would
/// be built from later.
/// </summary>
public sealed class VectorSearch
{
    private readonly float[] _matrix;
    private readonly string[] _ids;

    /// <summary>Vector length.</summary>
    public int Dimension { get; }
    /// <summary>Rows.</summary>
    public int Count => _ids.Length;
    /// <summary>Row ids.</summary>
    public IReadOnlyList<string> Ids => _ids;

    /// <summary>Builds the search over <paramref name="ids"/> and the row-major <paramref name="matrix"/> (copied and normalised).</summary>
    public VectorSearch(IReadOnlyList<string> ids, ReadOnlySpan<float> matrix, int dimension)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension));
        if (matrix.Length != (long)ids.Count * dimension) throw new ArgumentException($"matrix has {matrix.Length} values, expected {ids.Count} × {dimension}");
        Dimension = dimension;
        _ids = ids.ToArray();
        _matrix = matrix.ToArray();
        for (int i = 0; i < _ids.Length; i++) NormaliseInPlace(_matrix.AsSpan(i * dimension, dimension));
    }

    /// <summary>Row <paramref name="i"/> (normalised).</summary>
    public ReadOnlySpan<float> Row(int i) => _matrix.AsSpan(i * Dimension, Dimension);

    /// <summary>Row index of <paramref name="id"/>, or −1.</summary>
    public int IndexOf(string id) => Array.IndexOf(_ids, id);

    private static void NormaliseInPlace(Span<float> v)
    {
        float n = TensorPrimitives.Norm(v);
        if (n > 0) TensorPrimitives.Divide(v, n, v);
    }

    /// <summary>
    /// The <paramref name="k"/> rows most similar to <paramref name="query"/> by cosine, best first (ties by row
    /// order); the row whose id is <paramref name="excludeId"/> is skipped.
    /// </summary>
    public IReadOnlyList<SearchHit> TopK(ReadOnlySpan<float> query, int k, string? excludeId = null)
    {
        if (query.Length != Dimension) throw new GrooveException($"query vector has {query.Length} values, the index {Dimension}");
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k));
        var q = query.ToArray();
        NormaliseInPlace(q);
        int exclude = excludeId is null ? -1 : IndexOf(excludeId);
        // Min-heap of (score, row): the root is the worst of the best k so far.
        var heap = new PriorityQueue<int, (float Score, int NegRow)>(k + 1);
        int d = Dimension;
        for (int i = 0; i < _ids.Length; i++)
        {
            if (i == exclude) continue;
            float s = TensorPrimitives.Dot(q, _matrix.AsSpan(i * d, d));
            if (heap.Count < k) heap.Enqueue(i, (s, -i));
            else if (heap.TryPeek(out _, out var worst) && (s > worst.Score)) heap.EnqueueDequeue(i, (s, -i));
        }
        var hits = new List<SearchHit>(heap.Count);
        while (heap.TryDequeue(out int row, out var p)) hits.Add(new SearchHit(_ids[row], p.Score));
        hits.Reverse();
        return hits;
    }
}
