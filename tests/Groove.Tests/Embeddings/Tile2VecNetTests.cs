using Groove.Embeddings;
using Groove.Nn;
using Groove.Tests.Nn;

namespace Groove.Tests.Embeddings;

public class Tile2VecNetTests
{
    private static readonly Tile2VecConfig Tiny = new() { Width = 0.0625, Depth = 0.5, Dimension = 8 };

    [Fact]
    public void ShapesFollowTheMultipliers()
    {
        Assert.Equal([8, 16, 32, 64], Enumerable.Range(0, 4).Select(Tile2VecConfig.Small.Channels));
        Assert.Equal(1, Tile2VecConfig.Small.BlocksPerStage);
        Assert.Equal(2, new Tile2VecConfig { Depth = 1 }.BlocksPerStage);
        Assert.Equal(64, new Tile2VecConfig { Width = 1 }.Channels(0));
        var net = new Tile2VecNet(Tiny, new Rng(1));
        var x = Tensor.Randn(new Rng(2), 3, 1, 128, 500);
        var y = net.Embed(x);
        Assert.Equal([3, 8], y.ShapeArray);
        var v = y.ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(1f, MathF.Sqrt(v.Skip(i * 8).Take(8).Sum(a => a * a)), 1e-4f);
    }

    [Fact]
    public void ConfigTravelsInMetadata()
    {
        var c = new Tile2VecConfig { Width = 0.25, Depth = 1, Dimension = 64 };
        Assert.Equal(c, Tile2VecConfig.FromMetadata(c.ToMetadata(), "x"));
        Assert.Throws<GrooveException>(() => Tile2VecConfig.FromMetadata(new Dictionary<string, string>(), "x"));
    }

    [Fact]
    public void TripletLossKnownValues()
    {
        var a = Tensor.From([1f, 0, 0, 1], 2, 2);
        var same = Tensor.From([2f, 0, 0, 3], 2, 2);          // same directions: distance 0 after normalisation
        var orth = Tensor.From([0f, 1, 1, 0], 2, 2);           // orthogonal: squared distance 2
        Assert.Equal(0f, TripletLoss.Compute(a, same, orth, 0.5f).Item(), 1e-6f);   // max(0, 0 − 2 + 0.5)
        Assert.Equal(2.5f, TripletLoss.Compute(a, orth, same, 0.5f).Item(), 1e-5f); // max(0, 2 − 0 + 0.5)
        Assert.Equal(1.0, TripletLoss.Accuracy(a, same, orth));
        Assert.Equal(0.0, TripletLoss.Accuracy(a, orth, same));
    }

    // A margin above 4 keeps every hinge active (squared distances of unit vectors are ≤ 4), so the loss is smooth there.
    [Fact]
    public void TripletLossGradient() =>
        GradCheck.Check(x => TripletLoss.Compute(x[0], x[1], x[2], 4.5f),
            [GradCheck.Rand(new Rng(5), 3, 4), GradCheck.Rand(new Rng(6), 3, 4), GradCheck.Rand(new Rng(7), 3, 4)]);

    [Fact]
    public void SamplerDrawsNeighboursNearbyAndDistantTilesElsewhere()
    {
        var s = new TripletSampler(maxFrames: 2000, neighbourFrames: 300);
        var rng = new Rng(3);
        for (int f = 0; f < 3; f++)
        {
            var lm = new float[(800 + 700 * f) * 128];
            Array.Fill(lm, f);
            Assert.True(s.Add($"f{f}", lm));
        }
        Assert.False(s.Add("short", new float[499 * 128]));
        Assert.Equal(3, s.Count);
        for (int i = 0; i < 500; i++)
        {
            var t = s.Sample(rng);
            Assert.NotEqual(t.AnchorFile, t.DistantFile);
            Assert.InRange(t.NeighbourStart - t.AnchorStart, -300, 300);
            int frames = Math.Min(800 + 700 * t.AnchorFile, 2000);
            Assert.InRange(t.AnchorStart, 0, frames - 500);
            Assert.InRange(t.NeighbourStart, 0, frames - 500);
        }
        var triplets = s.Fixed(4, 9);
        Assert.Equal(triplets, s.Fixed(4, 9));
        var batch = s.Batch(triplets);
        Assert.Equal([12, 1, 128, 500], batch.ShapeArray);
        var data = batch.ToArray();
        Assert.Equal(triplets[0].AnchorFile, data[0]);                       // each file is filled with its index
        Assert.Equal(triplets[0].DistantFile, data[8 * 128 * 500]);
    }
}
