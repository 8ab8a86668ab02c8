using Groove.Index;

namespace Groove.Tests.Index;

public class VectorSearchTests
{
    [Theory]
    [InlineData(1, 3)]
    [InlineData(7, 10)]
    [InlineData(50, 50)]
    public void TopKMatchesBruteForce(int k, int dim)
    {
        var rng = new Rng(42);
        int n = 1000;
        var m = new float[n * dim];
        rng.FillNormal(m);
        var ids = Enumerable.Range(0, n).Select(i => $"t{i}").ToArray();
        var search = new VectorSearch(ids, m, dim);
        var q = new float[dim];
        rng.FillNormal(q);
        // Brute force in double precision.
        double qn = Math.Sqrt(q.Sum(x => (double)x * x));
        var expected = Enumerable.Range(0, n).Select(i =>
        {
            double dot = 0, rn = 0;
            for (int j = 0; j < dim; j++) { dot += (double)q[j] * m[i * dim + j]; rn += (double)m[i * dim + j] * m[i * dim + j]; }
            return (Id: ids[i], Cos: dot / (qn * Math.Sqrt(rn)));
        }).OrderByDescending(x => x.Cos).Take(k).ToList();
        var hits = search.TopK(q, k);
        Assert.Equal(k, hits.Count);
        for (int i = 0; i < k; i++)
        {
            // float32 dot products of unit vectors: rounding differs from double by ~dim·2^-24; 1e-5 is far above that
            // and far below the gaps between neighbours of random normal vectors (checked: the ids agree).
            Assert.Equal(expected[i].Cos, hits[i].Cosine, 1e-5);
            Assert.Equal(expected[i].Id, hits[i].Id);
        }
    }

    [Fact]
    public void ExcludesTheQueryTrackAndKeepsRowOrderOnTies()
    {
        var m = new float[] { 1, 0, 1, 0, 0, 1, 2, 0 };
        var s = new VectorSearch(["a", "b", "c", "d"], m, 2);
        var hits = s.TopK([1, 0], 2, excludeId: "a");
        Assert.Equal(["b", "d"], hits.Select(h => h.Id));
        Assert.Equal(1f, hits[0].Cosine, 1e-6f);
        Assert.Equal(4, s.TopK([1, 0], 10).Count);
        Assert.Throws<GrooveException>(() => s.TopK([1, 0, 0], 1));
    }
}
