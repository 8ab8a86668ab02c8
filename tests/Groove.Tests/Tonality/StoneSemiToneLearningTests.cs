using Groove.Nn;
using Groove.Tests.Support;
using Groove.Tonality;
using Groove.Tonality.Stone;
using Xunit.Abstractions;
using Groove.Training.Stone;

namespace Groove.Tests.Tonality;

public class StoneSemiToneLearningTests(ITestOutputHelper output)
{
    private static readonly ChromaNetConfig Tiny = new() { Width = 8, Stages = 3, Kernel = 5, DropPath = 0 };

    private static (float[] Cqt, int Frames) Cadence(int tonic, KeyMode mode)
    {
        var cqt = StoneFrontEnd.Compute(SyntheticCadence.Render(tonic, mode, secondsPerChord: 0.6), out int frames);
        return (cqt, frames);
    }

    [Fact]
    public void SupervisedTrainingOnCadencesSeparatesModeAndSignatureOfUnseenKeys()
    {
        // sup-TONE on synthetic I–IV–V–I / i–iv–V–i cadences in three tonics; random crop offsets transpose them
        // during training. Scored on cadences in three other tonics, rendered at other pitches.
        var labelled = new StoneLabelledData();
        foreach (int t in new[] { 0, 4, 7 })
            foreach (var mode in new[] { KeyMode.Major, KeyMode.Minor })
            {
                var (cqt, frames) = Cadence(t, mode);
                Assert.True(labelled.Add($"{t}{mode}", cqt, frames, new MusicalKey(t, mode), 8));
            }
        using var tmp = new TempDir();
        var options = new StoneTrainingOptions
        {
            Steps = 200, Batch = 1, LabelledBatch = 8, Labelled = true, LearningRate = 3e-3f, WarmupSteps = 5,
            ExcerptSeconds = 2.4, Model = Tiny with { Modes = 2 }, CheckpointEvery = 1000, Seed = 3,
        };
        var trainer = new StoneTrainer(options, tmp.Path);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(trainer.Train(null, labelled, null, null, CancellationToken.None));
        output.WriteLine($"{options.Steps} steps in {sw.Elapsed.TotalSeconds:F1} s, last CE {trainer.LastLosses.Labelled:F3}");
        var model = trainer.ToModel();
        Assert.Equal(0, model.CalibrationOffset);

        int keys = 0, right = 0, modeOk = 0, signature = 0;
        foreach (int t in new[] { 1, 2, 5, 8, 10, 11 })
            foreach (var m in new[] { KeyMode.Major, KeyMode.Minor })
            {
                var (cqt, frames) = Cadence(t, m);
                var scores = model.KeyScores(cqt, frames);
                Assert.Equal(1f, scores.Sum(), 3);
                int best = Array.IndexOf(scores, scores.Max());
                var est = MusicalKey.FromIndex(best);
                var truth = new MusicalKey(t, m);
                output.WriteLine($"{truth}: {est} ({scores[best]:F2})");
                keys++;
                if (est == truth) right++;
                if (est.Mode == m) modeOk++;
                if (StoneLabelledData.Signature(est) == StoneLabelledData.Signature(truth)) signature++;
            }
        output.WriteLine($"keys {right}/{keys}, mode {modeOk}/{keys}, signature {signature}/{keys}");
        // Chance: mode 6/12, signature 1/12. (Seeds 1–7 gave mode 12/12 and signature 10–12/12 with these settings.) Unseen tonics are only found if the targets rotate with the crop
        // offset the way the content does and the inference crop reads the classes the labels defined (a wrong
        // sign or offset would scramble the targets or shift every estimate).
        Assert.True(modeOk >= 10, $"mode {modeOk}/{keys}");
        Assert.True(signature >= 8, $"signature {signature}/{keys}");
    }
}
