namespace Groove.Dsp;

/// <summary>
/// Running median of a 1-D sequence with scipy.ndimage's <c>median_filter</c> conventions as librosa uses them:
/// window offsets −⌊k/2⌋ … k−1−⌊k/2⌋, the value of rank ⌊k/2⌋ in the sorted window (the upper median for even k),
/// and <c>mode="reflect"</c> edges (d c b a | a b c d | d c b a). The window is kept sorted: each step removes the
/// sample leaving and inserts the one arriving by binary search (O(k) moves, O(log k) compares), instead of sorting
/// every window.
/// </summary>
internal sealed class SlidingMedian
{
    private readonly int _k;
    private readonly float[] _sorted;

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
        var s = _sorted;
        // Initial window for output 0: offsets −before … k−1−before.
        for (int i = 0; i < k; i++) s[i] = x[Reflect(i - before, n) * stride];
        Array.Sort(s);
        y[0] = s[before];
        for (int t = 1; t < n; t++)
        {
            float leaving = x[Reflect(t - 1 - before, n) * stride];
            float arriving = x[Reflect(t + k - 1 - before, n) * stride];
            if (leaving != arriving || float.IsNaN(leaving))
            {
                int pos = Find(s, leaving);
                // Shift to close the gap, then open one where the arriving value belongs.
                int ins = Insertion(s, arriving);
                if (ins > pos)
                {
                    ins--;
                    Array.Copy(s, pos + 1, s, pos, ins - pos);
                }
                else if (ins < pos)
                {
                    Array.Copy(s, ins, s, ins + 1, pos - ins);
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

    private static int Find(float[] s, float v)
    {
        int i = Array.BinarySearch(s, v);
        if (i < 0) throw new InvalidOperationException("median window out of sync (NaN input?)");
        return i;
    }

    /// <summary>First index whose value is ≥ v (where v goes, the removed slot counted).</summary>
    private static int Insertion(float[] s, float v)
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
