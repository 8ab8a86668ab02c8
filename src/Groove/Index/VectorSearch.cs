using System.Buffers;
using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;

namespace Groove.Index;

/// <summary>One search hit: the item's id (a track path) and its cosine similarity to the query.</summary>
public readonly record struct SearchHit(string Id, float Cosine);

/// <summary>
/// Exact cosine top-k over a matrix of L2-normalised rows (normalised once, when built), kept in memory as float32
/// or — when asked — float16 (<see cref="VectorPrecision"/>), or memory-mapped from a matrix file
/// (<see cref="Save"/>, <see cref="OpenMapped"/>) so that many processes share one copy in the page cache and start
/// without reading the index. A query is normalised and dotted with every row through
/// <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> (the widest vector path the CPU has);
/// float16 rows are widened a block at a time with <see cref="TensorPrimitives.ConvertToSingle"/> first, so scores
/// are summed in float32 either way. The k best are kept in a bounded min-heap. Thread-safe for queries. The layout
/// (one contiguous row-major matrix and an id per row) is what an approximate index would be built from later.
/// </summary>
public sealed class VectorSearch : IDisposable
{
    /// <summary>Rows widened at once for float16 (256 × 128 floats = 128 KiB, inside L2).</summary>
    private const int Block = 256;
    private const int HeaderBytes = 64;
    private static readonly byte[] Magic = "GRVMATRX"u8.ToArray();

    private readonly ReadOnlyMemory<byte> _rows;
    private readonly string[] _ids;
    private readonly MappedFile? _mapped;

    /// <summary>Vector length.</summary>
    public int Dimension { get; }
    /// <summary>Rows.</summary>
    public int Count => _ids.Length;
    /// <summary>Row ids.</summary>
    public IReadOnlyList<string> Ids => _ids;
    /// <summary>How the rows are stored.</summary>
    public VectorPrecision Precision { get; }
    /// <summary>True when the rows are mapped from a file rather than held in this process's memory.</summary>
    public bool IsMapped => _mapped is not null;
    /// <summary>The stamp saved with a mapped matrix (what it was built from), or null.</summary>
    public string? Stamp { get; }

    private int ValueBytes => Precision == VectorPrecision.Float16 ? 2 : 4;

    /// <summary>Builds the search over <paramref name="ids"/> and the row-major <paramref name="matrix"/> (copied, normalised, stored at <paramref name="precision"/>).</summary>
    public VectorSearch(IReadOnlyList<string> ids, ReadOnlySpan<float> matrix, int dimension, VectorPrecision precision = VectorPrecision.Float32)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension));
        if (matrix.Length != (long)ids.Count * dimension) throw new ArgumentException($"matrix has {matrix.Length} values, expected {ids.Count} × {dimension}");
        Dimension = dimension;
        Precision = precision;
        _ids = ids.ToArray();
        var normalised = matrix.ToArray();
        for (int i = 0; i < _ids.Length; i++) NormaliseInPlace(normalised.AsSpan(i * dimension, dimension));
        if (precision == VectorPrecision.Float32) _rows = MemoryMarshal.AsBytes(normalised.AsSpan()).ToArray();
        else
        {
            var half = new Half[normalised.Length];
            TensorPrimitives.ConvertToHalf(normalised, half);
            _rows = MemoryMarshal.AsBytes(half.AsSpan()).ToArray();
        }
    }

    private VectorSearch(string[] ids, int dimension, VectorPrecision precision, MappedFile mapped, ReadOnlyMemory<byte> rows, string stamp)
    {
        (_ids, Dimension, Precision, _mapped, _rows, Stamp) = (ids, dimension, precision, mapped, rows, stamp);
    }

    /// <summary>Row <paramref name="i"/> (normalised; float16 rows widened to float32).</summary>
    public ReadOnlySpan<float> Row(int i)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(i);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(i, Count);
        var bytes = _rows.Span.Slice(i * Dimension * ValueBytes, Dimension * ValueBytes);
        if (Precision == VectorPrecision.Float32) return MemoryMarshal.Cast<byte, float>(bytes);
        var row = new float[Dimension];
        TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(bytes), row);
        return row;
    }

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
        float[]? widened = Precision == VectorPrecision.Float16 ? ArrayPool<float>.Shared.Rent(Block * d) : null;
        try
        {
            var all = _rows.Span;
            for (int start = 0; start < _ids.Length; start += Block)
            {
                int rows = Math.Min(Block, _ids.Length - start);
                var bytes = all.Slice(start * d * ValueBytes, rows * d * ValueBytes);
                ReadOnlySpan<float> block;
                if (widened is null) block = MemoryMarshal.Cast<byte, float>(bytes);
                else
                {
                    TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(bytes), widened.AsSpan(0, rows * d));
                    block = widened.AsSpan(0, rows * d);
                }
                for (int r = 0; r < rows; r++)
                {
                    int i = start + r;
                    if (i == exclude) continue;
                    float s = TensorPrimitives.Dot(q, block.Slice(r * d, d));
                    if (heap.Count < k) heap.Enqueue(i, (s, -i));
                    else if (heap.TryPeek(out _, out var worst) && (s > worst.Score)) heap.EnqueueDequeue(i, (s, -i));
                }
            }
        }
        finally
        {
            if (widened is not null) ArrayPool<float>.Shared.Return(widened);
        }
        var hits = new List<SearchHit>(heap.Count);
        while (heap.TryDequeue(out int row, out var p)) hits.Add(new SearchHit(_ids[row], p.Score));
        hits.Reverse();
        return hits;
    }

    /// <summary>
    /// Writes the normalised rows, at this search's precision, with the ids and <paramref name="stamp"/> (what they
    /// were built from, so a reader can tell a stale file), to <paramref name="path"/> atomically (a temporary file
    /// renamed over it). Layout: a 64-byte header ("GRVMATRX", version 1, precision, rows, dimension, offset of the
    /// ids, stamp length; little-endian), the row-major matrix, the UTF-8 stamp, then each id as int32 length + UTF-8.
    /// </summary>
    public void Save(string path, string stamp)
    {
        var stampBytes = Encoding.UTF8.GetBytes(stamp);
        long idsOffset = HeaderBytes + (long)_rows.Length;
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), 1);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), (int)Precision);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), Count);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(20), Dimension);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), idsOffset);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(32), stampBytes.Length);
        var tmp = $"{path}.tmp-{Environment.ProcessId}";
        try
        {
            using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                f.Write(header);
                f.Write(_rows.Span);
                f.Write(stampBytes);
                Span<byte> len = stackalloc byte[4];
                foreach (var id in _ids)
                {
                    var b = Encoding.UTF8.GetBytes(id);
                    BinaryPrimitives.WriteInt32LittleEndian(len, b.Length);
                    f.Write(len);
                    f.Write(b);
                }
                f.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(tmp);
            throw new GrooveException($"{path}: cannot write the matrix file ({e.Message})");
        }
    }

    /// <summary>Maps a matrix file written by <see cref="Save"/>; its rows stay on disk (in the page cache).</summary>
    /// <exception cref="GrooveException">Missing, truncated or not a matrix file.</exception>
    public static VectorSearch OpenMapped(string path)
    {
        if (!File.Exists(path)) throw new GrooveException($"{path}: no such matrix file");
        MappedFile mapped;
        try { mapped = new MappedFile(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new GrooveException($"{path}: cannot map ({e.Message})"); }
        try
        {
            var all = mapped.Memory;
            var h = all.Span;
            if (h.Length < HeaderBytes || !h[..8].SequenceEqual(Magic) || BinaryPrimitives.ReadInt32LittleEndian(h[8..]) != 1)
                throw new GrooveException($"{path}: not a Groove matrix file");
            var precision = (VectorPrecision)BinaryPrimitives.ReadInt32LittleEndian(h[12..]);
            int rows = BinaryPrimitives.ReadInt32LittleEndian(h[16..]);
            int dim = BinaryPrimitives.ReadInt32LittleEndian(h[20..]);
            long idsOffset = BinaryPrimitives.ReadInt64LittleEndian(h[24..]);
            int stampLength = BinaryPrimitives.ReadInt32LittleEndian(h[32..]);
            int size = precision switch { VectorPrecision.Float32 => 4, VectorPrecision.Float16 => 2, _ => 0 };
            long matrixBytes = (long)rows * dim * size;
            if (size == 0 || rows < 0 || dim < 1 || idsOffset != HeaderBytes + matrixBytes || stampLength < 0 || idsOffset + stampLength > h.Length)
                throw new GrooveException($"{path}: corrupt matrix file header");
            var stamp = Encoding.UTF8.GetString(h.Slice((int)idsOffset, stampLength));
            var ids = new string[rows];
            int at = (int)idsOffset + stampLength;
            for (int i = 0; i < rows; i++)
            {
                int len = at + 4 <= h.Length ? BinaryPrimitives.ReadInt32LittleEndian(h[at..]) : -1;
                if (len < 0 || at + 4 + len > h.Length) throw new GrooveException($"{path}: truncated matrix file");
                ids[i] = Encoding.UTF8.GetString(h.Slice(at + 4, len));
                at += 4 + len;
            }
            return new VectorSearch(ids, dim, precision, mapped, all.Slice(HeaderBytes, (int)matrixBytes), stamp);
        }
        catch
        {
            mapped.Close();
            throw;
        }
    }

    /// <summary>Unmaps a mapped matrix (nothing to do for one in memory).</summary>
    public void Dispose() => _mapped?.Close();
}
