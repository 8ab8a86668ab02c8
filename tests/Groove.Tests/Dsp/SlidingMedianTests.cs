using Groove.Dsp;

namespace Groove.Tests.Dsp;

public class SlidingMedianTests
{
    /// <summary>scipy.ndimage.median_filter(x, size=k, mode="reflect") computed the slow way.</summary>
    private static float[] Naive(float[] x, int k)
    {
        int n = x.Length, before = k / 2;
        var y = new float[n];
        for (int t = 0; t < n; t++)
        {
            var w = new float[k];
            for (int i = 0; i < k; i++)
            {
                int j = t + i - before;
                int p = 2 * n;
                j %= p; if (j < 0) j += p;
                if (j >= n) j = p - 1 - j;
                w[i] = x[j];
            }
            Array.Sort(w);
            y[t] = w[k / 2];
        }
        return y;
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(3, 10)]
    [InlineData(31, 200)]
    [InlineData(4, 50)]
    [InlineData(17, 5)]
    [InlineData(31, 1)]
    public void MatchesSortingEveryWindow(int k, int n)
    {
        var rng = new Random(k * 1000 + n);
        // Quantised values so that ties occur.
        var x = Enumerable.Range(0, n).Select(_ => (float)rng.Next(0, 8)).ToArray();
        var y = new float[n];
        new SlidingMedian(k).Filter(x, y, n);
        Assert.Equal(Naive(x, k), y);
    }

    [Fact]
    public void FiltersWithAStride()
    {
        var rng = new Random(5);
        int n = 40, stride = 3;
        var x = Enumerable.Range(0, n * stride).Select(_ => (float)rng.NextDouble()).ToArray();
        var y = new float[n * stride];
        new SlidingMedian(7).Filter(x.AsSpan(1), y.AsSpan(1), n, stride);
        var column = Enumerable.Range(0, n).Select(i => x[1 + i * stride]).ToArray();
        var expected = Naive(column, 7);
        for (int i = 0; i < n; i++) Assert.Equal(expected[i], y[1 + i * stride]);
    }
}
