using Groove.Nn;
using F = Groove.Nn.Functional;

namespace Groove.Tests.Nn;

public class OptimTests
{
    [Fact]
    public void WarmupCosineRisesLinearlyThenDecaysToTheFloor()
    {
        var s = new WarmupCosineSchedule(4, 14, minFactor: 0.1f);
        Assert.Equal(0.25f, s.Factor(0), 6);
        Assert.Equal(1f, s.Factor(3), 6);
        Assert.Equal(1f, s.Factor(4), 6);
        Assert.Equal(0.55f, s.Factor(9), 5); // half-way through the cosine
        Assert.Equal(0.1f, s.Factor(14), 6);
        Assert.Equal(0.1f, s.Factor(100), 6);
        Assert.Equal(0.25f, new ExponentialSchedule(0.5, 10).Factor(25), 6);
    }

    [Fact]
    public void GlobalNormClippingScalesAllGradientsTogether()
    {
        var a = Tensor.Zeros(2); var b = Tensor.Zeros(1);
        a.Grad = Tensor.From([3f, 0f], 2); b.Grad = Tensor.From([4f], 1);
        float norm = GradClip.ClipGlobalNorm([a, b], 1f);
        Assert.Equal(5f, norm, 5);
        Assert.Equal(0.6f, a.Grad!.ToArray()[0], 4);
        Assert.Equal(0.8f, b.Grad!.Item(), 4);
        GradClip.ClipPerParameterNorm([a, b], 0.5f);
        Assert.Equal(0.5f, a.Grad!.ToArray()[0], 4);
        Assert.Equal(0.5f, b.Grad!.Item(), 4);
        GradClip.ClipValue([a], 0.1f);
        Assert.Equal(0.1f, a.Grad!.ToArray()[0], 6);
    }

    [Fact]
    public void AdamWDoesNotDecayBiasesOrNorms()
    {
        var model = new Sequential(new Linear(3, 3, new Rng(1)), new LayerNorm(3));
        var opt = Adam.AdamW(model, lr: 0.1f, weightDecay: 0.5f);
        Assert.Equal(new[] { "0.weight" }, opt.Groups[0].Params.Select(p => p.Name));
        Assert.Equal(new[] { "0.bias", "1.weight", "1.bias" }, opt.Groups[1].Params.Select(p => p.Name));
        Assert.Equal(0f, opt.Groups[1].WeightDecay);
    }

    [Fact]
    public void SgdWithMomentumMinimisesAQuadratic()
    {
        var x = Tensor.From([5f, -3f], 2);
        x.RequiresGrad = true;
        var opt = new Sgd(new[] { new ParamGroup(new[] { ("x", x) }, 0.05f) }, momentum: 0.9f);
        for (int i = 0; i < 200; i++)
        {
            opt.ZeroGrad();
            x.Square().Sum().Backward();
            opt.Step();
        }
        Assert.All(x.ToArray(), v => Assert.True(Math.Abs(v) < 1e-3f));
    }

    [Fact]
    public void DropoutKeepsTheMeanAndIsOffInEval()
    {
        var rng = new Rng(3);
        var x = Tensor.Ones(100000);
        var y = F.Dropout(x, 0.3f, training: true, rng).ToArray();
        Assert.InRange(y.Average(), 0.98, 1.02);
        Assert.InRange(y.Count(v => v == 0) / 100000.0, 0.29, 0.31);
        Assert.Same(x, F.Dropout(x, 0.3f, training: false, rng));
        var paths = F.DropPath(Tensor.Ones(1000, 4), 0.5f, training: true, rng).ToArray();
        for (int i = 0; i < 1000; i++) Assert.True(paths[4 * i] == paths[4 * i + 3]); // whole samples dropped
    }
}
