using Groove.Nn;
using Groove.Tests.Support;
using Groove.Training;

namespace Groove.Tests.Training;

/// <summary>The generic loop's validation and best-weights keeping, on a one-weight regression.</summary>
public class TrainingLoopValidationTests
{
    /// <summary>y = 3x; the loss is the squared error on fixed points, validation the negated error at x = 1.</summary>
    private static (Linear Model, ResumableTraining Loop, Func<long, Tensor> Loss) Setup(string dir, Func<Linear, double>? validate, int every)
    {
        var model = new Linear(1, 1, new Rng(5), bias: false);
        var x = Tensor.From([1f, 2f, -1f], 3, 1);
        var y = Tensor.From([3f, 6f, -3f], 3, 1);
        var loop = new ResumableTraining(Path.Combine(dir, "checkpoint.safetensors"), model, new Sgd(model, 0.05f),
            new Dictionary<string, Rng>(), new ExponentialSchedule(1))
        {
            CheckpointEvery = 1000, ClipPerParameter = 0, ValidateEvery = every,
            Validate = validate is null ? null : () => validate(model), BestPath = Path.Combine(dir, "best.safetensors"),
        };
        return (model, loop, _ => (model.Forward(x) - y).Square().Mean());
    }

    private static double Weight(Linear m) => m.StateDict().Values.Single().ToArray()[0];

    [Fact]
    public void KeepsTheWeightsOfTheBestValidationAndResumesWithItsScore()
    {
        using var tmp = new TempDir();
        // A validation that prefers the weight nearest 1.5: it improves while the weight climbs to 1.5, then worsens.
        static double Score(Linear m) => -Math.Abs(Weight(m) - 1.5);
        var (model, loop, loss) = Setup(tmp.Path, Score, every: 1);
        var seen = new List<(long Step, double Score, bool Best)>();
        Assert.True(loop.Run(30, loss, onValidation: (s, v, b) => seen.Add((s, v, b))));
        Assert.Equal(30, seen.Count);
        Assert.True(Weight(model) > 2.5, $"the model trained towards 3 ({Weight(model)})");
        var best = seen.MaxBy(v => v.Score);
        Assert.Equal(best.Step, loop.BestStep);
        Assert.Equal(best.Score, loop.BestScore);
        Assert.True(best.Best && best.Step < 30);
        Assert.Equal(seen.Count(v => v.Best), seen.TakeWhile(v => v.Step <= best.Step).Count());

        var (saved, metadata) = SafeTensors.Load(Path.Combine(tmp.Path, "best.safetensors"));
        Assert.Equal(-Math.Abs(saved.Values.Single().ToArray()[0] - 1.5), best.Score, 6);
        Assert.Equal(best.Step.ToString(System.Globalization.CultureInfo.InvariantCulture), metadata["loop.best_step"]);

        // A fresh loop resumed from the checkpoint knows the best so far and does not overwrite it with worse weights.
        var (_, resumed, loss2) = Setup(tmp.Path, Score, every: 1);
        Assert.NotNull(resumed.TryResume());
        Assert.Equal(best.Score, resumed.BestScore);
        Assert.Equal(best.Step, resumed.BestStep);
        Assert.True(resumed.Run(35, loss2));
        Assert.Equal(best.Step, resumed.BestStep);
    }

    [Fact]
    public void ValidationNeedsAFunction()
    {
        using var tmp = new TempDir();
        var (_, loop, loss) = Setup(tmp.Path, null, every: 5);
        Assert.Throws<ArgumentException>(() => loop.Run(3, loss));
    }
}
