namespace Groove.Audio;

/// <summary>
/// An append-only float sequence stored in fixed-size chunks: growing it never copies what is already there, so
/// collecting a long signal needs its final size plus one chunk, not the 2-3× of a doubling array.
/// </summary>
internal sealed class FloatAccumulator
{
    private const int ChunkSize = 1 << 20;
    private readonly List<float[]> _chunks = [];
    private int _lastCount = ChunkSize;

    public long Count { get; private set; }

    public void Append(ReadOnlySpan<float> values)
    {
        while (!values.IsEmpty)
        {
            if (_lastCount == ChunkSize)
            {
                _chunks.Add(new float[ChunkSize]);
                _lastCount = 0;
            }
            int k = Math.Min(values.Length, ChunkSize - _lastCount);
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
        var result = new float[Count];
        long at = 0;
        for (int i = 0; i < _chunks.Count; i++)
        {
            int n = i == _chunks.Count - 1 ? _lastCount : ChunkSize;
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
