using Groove.Embeddings;

namespace Groove.Tests.Embeddings;

public class TsneTests
{
    [Fact]
    public void SeparatedBlobsStaySeparatedInTheMap()
    {
        var rng = new Rng(2);
        var pts = new List<float[]>(); var truth = new List<int>();
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 15; i++)
            {
                var p = new float[8];
                rng.FillNormal(p, 0, 0.3f);
                p[c] += 5;
                pts.Add(p); truth.Add(c);
            }
        var y = Tsne.Embed(pts, new Rng(1), perplexity: 10, iterations: 1000);
        // Every point's nearest neighbour on the map comes from its own blob.
        for (int i = 0; i < pts.Count; i++)
        {
            int nn = Enumerable.Range(0, pts.Count).Where(j => j != i)
                .MinBy(j => Math.Pow(y[i][0] - y[j][0], 2) + Math.Pow(y[i][1] - y[j][1], 2));
            Assert.Equal(truth[i], truth[nn]);
        }
    }
}
