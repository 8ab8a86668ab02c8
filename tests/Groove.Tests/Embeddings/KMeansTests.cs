using Groove.Embeddings;

namespace Groove.Tests.Embeddings;

public class KMeansTests
{
    private static (List<float[]> Points, int[] Truth) Blobs(int perBlob, float spread, ulong seed)
    {
        var rng = new Rng(seed);
        float[][] centres = [[0, 0, 0], [10, 0, 0], [0, 10, 0]];
        var pts = new List<float[]>(); var truth = new List<int>();
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < perBlob; i++)
            {
                var p = new float[3];
                rng.FillNormal(p, 0, spread);
                for (int j = 0; j < 3; j++) p[j] += centres[c][j];
                pts.Add(p); truth.Add(c);
            }
        return (pts, truth.ToArray());
    }

    [Fact]
    public void SeparableBlobsAreFoundAndScoreAHighSilhouette()
    {
        var (pts, truth) = Blobs(30, 0.5f, 4);
        var c = KMeans.Fit(pts, 3, new Rng(1));
        // Same partition up to renaming: every true blob maps to one cluster, and the three clusters differ.
        var map = Enumerable.Range(0, 3).Select(b => c.Labels.Where((_, i) => truth[i] == b).Distinct().Single()).ToArray();
        Assert.Equal(3, map.Distinct().Count());
        double s = KMeans.Silhouette(pts, c.Labels);
        Assert.InRange(s, 0.85, 1.0); // blobs 10 apart with s.d. 0.5: a ≈ 1, b ≈ 10
    }

    [Fact]
    public void SilhouetteOfAWrongSplitIsLow()
    {
        var (pts, truth) = Blobs(20, 0.5f, 5);
        var wrong = Enumerable.Range(0, pts.Count).Select(i => i % 3).ToArray(); // labels ignoring the blobs
        Assert.InRange(KMeans.Silhouette(pts, wrong), -1.0, 0.1);
        Assert.True(KMeans.Silhouette(pts, truth) > 0.85);
        Assert.Throws<GrooveException>(() => KMeans.Fit(pts, 0, new Rng(1)));
        Assert.Throws<GrooveException>(() => KMeans.Silhouette(pts, new int[pts.Count]));
    }
}
