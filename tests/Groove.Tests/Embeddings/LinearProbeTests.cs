using Groove.Evaluation.Probe;

namespace Groove.Tests.Embeddings;

public class LinearProbeTests
{
    private static (List<float[]> X, List<int> Y) Data(int perClass, int classes, float separation, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new List<float[]>(); var y = new List<int>();
        for (int c = 0; c < classes; c++)
            for (int i = 0; i < perClass; i++)
            {
                var v = new float[6];
                rng.FillNormal(v);
                v[c % 6] += separation;
                x.Add(v); y.Add(c);
            }
        return (x, y);
    }

    [Fact]
    public void SeparableClassesAreLearnedPerfectly()
    {
        var (x, y) = Data(10, 4, 12f, 1);
        var r = LinearProbe.Run(x, y, folds: 5);
        Assert.Equal(1.0, r.Accuracy);
        Assert.Equal(1.0, r.MacroF1);
        Assert.Equal(5, r.Folds);
        var loo = LinearProbe.Run(x, y, folds: 0);
        Assert.Equal(40, loo.Folds);
        Assert.Equal(1.0, loo.Accuracy);
    }

    [Fact]
    public void RandomLabelsScoreNearChance()
    {
        var (x, _) = Data(30, 4, 0f, 2);
        var rng = new Rng(9);
        var y = x.Select(_ => rng.NextInt(4)).ToList();
        var r = LinearProbe.Run(x, y, folds: 5);
        // Chance is 0.25; with 120 items the bootstrap s.d. is ≈ 0.04, so 0.45 is about five s.d. above chance.
        Assert.InRange(r.Accuracy, 0.0, 0.45);
        Assert.True(r.AccuracySpread > 0.01);
    }

    [Fact]
    public void FoldsAreStratified()
    {
        var y = Enumerable.Range(0, 30).Select(i => i < 20 ? 0 : 1).ToList();
        var folds = LinearProbe.StratifiedFolds(y, 5, new Rng(1));
        for (int f = 0; f < 5; f++)
        {
            Assert.Equal(4, Enumerable.Range(0, 30).Count(i => folds[i] == f && y[i] == 0));
            Assert.Equal(2, Enumerable.Range(0, 30).Count(i => folds[i] == f && y[i] == 1));
        }
    }

    [Fact]
    public void MacroF1KnownValue()
    {
        // Class 0: TP 1, FN 1 → F1 = 2/3; class 1: TP 1, FP 1 → F1 = 2/3; class 2: TP 1 → 1. Mean 7/9.
        int[] truth = [0, 0, 1, 2], pred = [0, 1, 1, 2];
        Assert.Equal(7.0 / 9, LinearProbe.MacroF1(truth, pred, 3, [0, 1, 2, 3]), 1e-12);
    }
}

public class LinearProbeFixedSplitTests
{
    [Fact]
    public void FixedSplitScoresTheTestItemsOnly()
    {
        float[][] train = [[0, 0], [0.1f, 0], [5, 5], [5, 5.1f]];
        float[][] test = [[0.05f, 0.02f], [4.9f, 5], [0, 0.1f]];
        var r = LinearProbe.TrainTest(train, [0, 0, 1, 1], test, [0, 1, 1], 2);
        Assert.Equal(3, r.Items);
        Assert.Equal([0, 1, 0], r.Predictions);
        Assert.Equal(2.0 / 3, r.Accuracy, 1e-12);
    }
}
