namespace Groove.Audio;

/// <summary>
/// An append-only float sequence stored in fixed-size chunks: growing it never copies what is already there, so
/// collecting a long signal needs its final size plus one chunk, not the 2-3× of a doubling array.
/// </summary>
internal sealed class FloatAccumulator
{
    private const int ChunkSize = 1 << 20;
    private readonly List<float[]> _chunks = [];
    private int _lastCount;

    /// <summary>An empty accumulator; <paramref name="expectedCount"/>, when known, sizes the first chunk so that an
    /// exact guess ends as one array handed back without copying.</summary>
    public FloatAccumulator(long expectedCount = 0)
    {
        if (expectedCount > 0 && expectedCount <= Array.MaxLength) _chunks.Add(new float[expectedCount]);
        else _lastCount = ChunkSize;
    }

    private int Capacity => _chunks.Count == 0 ? 0 : _chunks[^1].Length;

    public long Count { get; private set; }

    public void Append(ReadOnlySpan<float> values)
    {
        while (!values.IsEmpty)
        {
            if (_chunks.Count == 0 || _lastCount == Capacity)
            {
                _chunks.Add(new float[ChunkSize]);
                _lastCount = 0;
            }
            int k = Math.Min(values.Length, Capacity - _lastCount);
            values[..k].CopyTo(_chunks[^1].AsSpan(_lastCount));
            _lastCount += k;
            values = values[k..];
            Count += k;
        }
    }

    /// <summary>Copies everything into one array and releases the chunks.</summary>
    public float[] ToArrayAndClear()
    {
        if (Count > Array.MaxLength) throw new GrooveException($"audio too long to hold in memory ({Count} samples per channel)");
        if (_chunks.Count == 1 && _chunks[0].Length == Count)
        {
            var only = _chunks[0];
            _chunks.Clear();
            Count = 0;
            _lastCount = ChunkSize;
            return only;
        }
        var result = new float[Count];
        long at = 0;
        for (int i = 0; i < _chunks.Count; i++)
        {
            int n = i == _chunks.Count - 1 ? _lastCount : _chunks[i].Length;
            _chunks[i].AsSpan(0, n).CopyTo(result.AsSpan((int)at));
            at += n;
            _chunks[i] = [];
        }
        _chunks.Clear();
        _lastCount = ChunkSize;
        Count = 0;
        return result;
    }
}
