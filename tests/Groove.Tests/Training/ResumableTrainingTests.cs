using Groove.Nn;
using Groove.Tests.Support;
using Groove.Tonality;
using Groove.Tonality.Stone;
using Groove.Training;
using Groove.Training.Stone;

namespace Groove.Tests.Training;

public class ResumableTrainingTests
{
    private static readonly Lazy<StoneTrainingData> Synthetic = new(() =>
    {
        // Cadences in four keys (major and minor), as CQTs: a tiny self-supervised task.
        var data = new StoneTrainingData();
        foreach (var (tonic, mode) in new[] { (0, KeyMode.Major), (2, KeyMode.Minor), (7, KeyMode.Major), (9, KeyMode.Minor) })
        {
            var cqt = StoneFrontEnd.Compute(SyntheticCadence.Render(tonic, mode, secondsPerChord: 0.75), out int frames);
            Assert.True(data.Add($"{tonic}{mode}", cqt, frames, 24));
        }
        return data;
    });

    private static StoneTrainingOptions Tiny(long steps) => new()
    {
        Steps = steps, Batch = 4, ExcerptSeconds = 0.6, LearningRate = 1e-2f, WarmupSteps = 2, CheckpointEvery = 1000,
        Model = new ChromaNetConfig { Width = 4, Stages = 3, Kernel = 3 },
    };

    [Fact]
    public void StoneLossDecreasesOnSyntheticTransposedCadences()
    {
        using var tmp = new TempDir();
        var trainer = new StoneTrainer(Tiny(40), tmp.Path);
        var losses = new List<float>();
        Assert.True(trainer.Loop.Run(40, _ => trainer.BatchLoss(Synthetic.Value), (_, l, _) => losses.Add(l)));
        Assert.Equal(40, losses.Count);
        float first = losses.Take(8).Average(), last = losses.TakeLast(8).Average();
        Assert.True(last < first - 0.15f, $"loss went from {first:F3} to {last:F3}");
        Assert.True(File.Exists(trainer.Loop.CheckpointPath)); // written at the end
    }

    [Fact]
    public void ResumingFromACheckpointIsBitExact()
    {
        using var tmp = new TempDir();
        // Uninterrupted: 6 steps.
        var straight = new StoneTrainer(Tiny(6), tmp.File("a"));
        var lossesA = new List<float>();
        straight.Loop.Run(6, _ => straight.BatchLoss(Synthetic.Value), (_, l, _) => lossesA.Add(l));

        // Interrupted after 3 steps (as Ctrl-C would), then resumed by a fresh trainer.
        var first = new StoneTrainer(Tiny(6), tmp.File("b"));
        using var cts = new CancellationTokenSource();
        var lossesB = new List<float>();
        Assert.False(first.Loop.Run(6, _ => first.BatchLoss(Synthetic.Value), (s, l, _) => { lossesB.Add(l); if (s == 3) cts.Cancel(); }, cts.Token));
        Assert.Equal(3, first.Loop.Step);
        var second = new StoneTrainer(Tiny(6), tmp.File("b"));
        Assert.NotNull(second.Loop.TryResume());
        Assert.Equal(3, second.Loop.Step);
        Assert.True(second.Loop.Run(6, _ => second.BatchLoss(Synthetic.Value), (_, l, _) => lossesB.Add(l)));

        Assert.Equal(lossesA, lossesB);
        var pa = straight.Net.StateDict(); var pb = second.Net.StateDict();
        foreach (var (name, t) in pa)
            Assert.True(t.ToArray().AsSpan().SequenceEqual(pb[name].ToArray()), $"{name} differs after resume");
    }

    [Fact]
    public void TrainingLogKeepsOnlyStepsUpToTheResumedCheckpoint()
    {
        using var tmp = new TempDir();
        var path = tmp.File("log.tsv");
        using (var log = new TrainingLog(path, 0))
            for (int s = 1; s <= 5; s++) log.Write(s, 1f / s, 1f, s);
        using (var log = new TrainingLog(path, 3)) log.Write(4, 0.5f, 1f, 9);
        var lines = File.ReadAllLines(path);
        Assert.Equal(["1", "2", "3", "4"], lines.Skip(1).Select(l => l.Split('\t')[0]));
        Assert.Equal("0.5", lines[^1].Split('\t')[1]);
    }
}
