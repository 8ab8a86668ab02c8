using Groove.Embeddings;
using Groove.Nn;
using Groove.Tests.Support;
using Groove.Training.Tile2Vec;

namespace Groove.Tests.Training;

public class Tile2VecTrainerTests
{
    private static TripletSampler Data(ulong seed, int files)
    {
        var rng = new Rng(seed);
        var s = new TripletSampler(maxFrames: 700, neighbourFrames: 100);
        for (int f = 0; f < files; f++)
        {
            var lm = new float[700 * 128];
            rng.FillNormal(lm, -5 + f, 1 + 0.3f * f);
            s.Add($"f{f}", lm);
        }
        return s;
    }

    private static Tile2VecTrainingOptions Options(long steps) => new()
    {
        Steps = steps, Batch = 2, CheckpointEvery = 2, ValidateEvery = 2, ValidationTriplets = 4, DecayEvery = 1, DecayGamma = 0.9,
        Model = new Tile2VecConfig { Width = 0.0625, Depth = 0.5, Dimension = 8 },
    };

    [Fact]
    public void ResumedRunEqualsAnUninterruptedOne()
    {
        using var dir = new TempDir();
        var train = Data(1, 4); var val = Data(2, 3);
        var straight = new Tile2VecTrainer(Options(4), dir.File("a"));
        Assert.True(straight.Train(train, val, null, null, CancellationToken.None));

        var first = new Tile2VecTrainer(Options(2), dir.File("b"));
        first.Train(train, val, null, null, CancellationToken.None);
        var resumed = new Tile2VecTrainer(Options(4), dir.File("b"));
        Assert.NotNull(resumed.Loop.TryResume());
        Assert.Equal(2, resumed.Loop.Step);
        Assert.True(resumed.Train(train, val, null, null, CancellationToken.None));

        var a = straight.Net.StateDict(); var b = resumed.Net.StateDict();
        foreach (var (name, t) in a) Assert.Equal(t.ToArray(), b[name].ToArray()); // bit-exact: same data, same arithmetic
        Assert.True(File.Exists(Path.Combine(dir.File("b"), "best.safetensors")));
        var lines = File.ReadAllLines(Path.Combine(dir.File("b"), "validation.tsv"));
        Assert.Equal(["step", "0", "2", "4"], lines.Select(l => l.Split('\t')[0]));
    }

    [Fact]
    public void BestWeightsLoadAsAnEmbedder()
    {
        using var dir = new TempDir();
        var t = new Tile2VecTrainer(Options(2), dir.File("run"));
        t.Train(Data(1, 3), Data(2, 3), null, null, CancellationToken.None);
        var e = NetworkEmbedder.Load(t.BestPath);
        Assert.Equal(8, e.Dimension);
        Assert.StartsWith("tile2vec-w0.0625-d0.5-8-", e.ModelName);
        var emb = e.Embed(Signals.Sine(440, 16000, 16000 * 11));
        Assert.Equal(2, emb.Tiles.Count);
        Assert.Equal(1f, MathF.Sqrt(emb.Vector.Sum(v => v * v)), 1e-4f);
    }
}
