namespace Groove.Dsp;

/// <summary>
/// Running median of a 1-D sequence with scipy.ndimage's <c>median_filter</c> conventions as librosa uses them:
/// window offsets −⌊k/2⌋ … k−1−⌊k/2⌋, the value of rank ⌊k/2⌋ in the sorted window (the upper median for even k),
/// and <c>mode="reflect"</c> edges (d c b a | a b c d | d c b a). The window is kept sorted: each step removes the
/// sample leaving and inserts the one arriving by binary search (O(k) moves, O(log k) compares), instead of sorting
/// every window. An instance keeps scratch buffers: use one per thread.
/// </summary>
internal sealed class SlidingMedian
{
    private readonly int _k;
    private readonly float[] _sorted;
    private float[] _ext = [];

    public SlidingMedian(int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size));
        _k = size;
        _sorted = new float[size];
    }

    /// <summary>Median-filters <paramref name="x"/> (read with <paramref name="stride"/>) into <paramref name="y"/> (same stride).</summary>
    public void Filter(ReadOnlySpan<float> x, Span<float> y, int n, int stride = 1)
    {
        if (n == 0) return;
        int k = _k, before = k / 2;
        // The sequence with its reflected edges, contiguous: ext[i] = x[reflect(i − before)], i < n + k − 1.
        int extLen = n + k - 1;
        if (_ext.Length < extLen) _ext = new float[extLen];
        var ext = _ext.AsSpan(0, extLen);
        for (int i = 0; i < extLen; i++) ext[i] = x[Reflect(i - before, n) * stride];
        var s = _sorted.AsSpan();
        ext[..k].CopyTo(s);
        s.Sort();
        y[0] = s[before];
        for (int t = 1; t < n; t++)
        {
            float leaving = ext[t - 1], arriving = ext[t + k - 1];
            if (leaving != arriving)
            {
                int pos = LowerBound(s, leaving);
                if (pos >= k || s[pos] != leaving) throw new ArgumentException("median window out of sync (NaN input?)");
                int ins = LowerBound(s, arriving);
                if (ins > pos)
                {
                    ins--;
                    s.Slice(pos + 1, ins - pos).CopyTo(s.Slice(pos, ins - pos));
                }
                else if (ins < pos)
                {
                    s.Slice(ins, pos - ins).CopyTo(s.Slice(ins + 1, pos - ins));
                }
                s[ins] = arriving;
            }
            y[t * stride] = s[before];
        }
    }

    /// <summary>Index of reflect-mode sample for position <paramref name="i"/> in a sequence of <paramref name="n"/>.</summary>
    private static int Reflect(int i, int n)
    {
        if (n == 1) return 0;
        int period = 2 * n;
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - 1 - i;
    }

    /// <summary>First index whose value is ≥ v.</summary>
    private static int LowerBound(Span<float> s, float v)
    {
        int lo = 0, hi = s.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (s[mid] < v) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
