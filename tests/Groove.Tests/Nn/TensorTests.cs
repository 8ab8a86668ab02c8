using Groove.Nn;
using F = Groove.Nn.Functional;

using Groove.Tonality.Stone;

namespace Groove.Tests.Nn;

public class TensorTests
{
    private static Tensor Arange(params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = i;
        return t;
    }

    [Fact]
    public void ViewsShareStorage()
    {
        var x = Arange(2, 3, 4);
        var p = x.Permute(2, 0, 1);
        var n = x.Narrow(1, 1, 2);
        var r = x.Reshape(6, 4);
        Assert.False(p.IsContiguous);
        Assert.Equal(x[1, 2, 3], p[3, 1, 2]);
        Assert.Equal(x[0, 1, 0], n[0, 0, 0]);
        x[1, 2, 3] = -7f;
        Assert.Equal(-7f, p[3, 1, 2]);
        Assert.Equal(-7f, r[5, 3]);
        Assert.Equal(-7f, n[1, 1, 3]);
        Assert.Equal(new float[] { 0, 4, 8, 12, 16, 20 }, x.Permute(2, 0, 1).Contiguous().ToArray().Take(6));
    }

    [Theory]
    [InlineData(new[] { 0, 2, 3, 1 })]
    [InlineData(new[] { 3, 1, 0, 2 })]
    [InlineData(new[] { 1, 0, 3, 2 })]
    [InlineData(new[] { 2, 3, 0, 1 })]
    public void PermutedCopiesMatchElementwiseIndexing(int[] perm)
    {
        var x = Arange(3, 37, 5, 40);
        var p = x.Permute(perm).Narrow(0, 1, x.Dim(perm[0]) - 1);
        var c = p.Contiguous().ToArray();
        int n = 0;
        for (int a = 0; a < p.Dim(0); a++)
            for (int b = 0; b < p.Dim(1); b++)
                for (int d = 0; d < p.Dim(2); d++)
                    for (int e = 0; e < p.Dim(3); e++)
                        Assert.Equal(p[a, b, d, e], c[n++]);
    }

    [Fact]
    public void BroadcastingFollowsNumpyRules()
    {
        var a = Arange(2, 1, 3);
        var b = Arange(4, 1);
        var c = a + b;
        Assert.Equal(new[] { 2, 4, 3 }, c.ShapeArray);
        Assert.Equal(3f, c[1, 0, 0]); // a[1,0,0] = 3 plus b[0,0] = 0
        Assert.Equal(a[1, 0, 2] + b[3, 0], c[1, 3, 2]);
        Assert.Throws<ArgumentException>(() => Arange(2, 3) + Arange(4));
    }

    [Fact]
    public void ReductionsAndMatmulGiveKnownValues()
    {
        var x = Arange(2, 3);
        Assert.Equal(new float[] { 3, 5, 7 }, x.Sum(0).ToArray());
        Assert.Equal(new float[] { 1, 4 }, x.Mean(1).ToArray());
        Assert.Equal(new float[] { 2, 5 }, x.Max(1).ToArray());
        Assert.Equal(new float[] { 1, 1 }, x.Var([1]).ToArray());
        var m = x.Matmul(Arange(3, 2));
        Assert.Equal(new float[] { 10, 13, 28, 40 }, m.ToArray());
    }

    [Fact]
    public void NoGradScopeStopsRecordingAndRestores()
    {
        var w = Tensor.Ones(3);
        w.RequiresGrad = true;
        using (GradMode.NoGrad())
        {
            Assert.False(GradMode.IsEnabled);
            Assert.False((w * 2f).RequiresGrad);
            using (GradMode.EnableGrad()) Assert.True((w * 2f).RequiresGrad);
            Assert.False(GradMode.IsEnabled);
        }
        Assert.True(GradMode.IsEnabled);
        Assert.True((w * 2f).RequiresGrad);
    }

    [Fact]
    public void GradientsAccumulateAcrossBackwardCalls()
    {
        var w = Tensor.From([1f, 2f], 2);
        w.RequiresGrad = true;
        (w * w).Sum().Backward();
        (w * 3f).Sum().Backward();
        Assert.Equal(new float[] { 5f, 7f }, w.Grad!.ToArray());
    }

    [Fact]
    public void SharedSubexpressionGetsSummedGradient()
    {
        var x = Tensor.From([3f], 1);
        x.RequiresGrad = true;
        var y = x * x;        // used twice below
        (y + y * x).Sum().Backward(); // d/dx (x² + x³) = 2x + 3x² = 6 + 27
        Assert.Equal(33f, x.Grad!.Item(), 4);
    }

    [Fact]
    public void BackwardTwiceWithoutRetainGraphFails()
    {
        var x = Tensor.From([3f], 1);
        x.RequiresGrad = true;
        var y = (x.Exp() * x).Sum();
        y.Backward();
        Assert.Throws<InvalidOperationException>(() => y.Backward());
    }

    [Fact]
    public void LongRecurrentGraphDoesNotOverflowTheStack()
    {
        var h = Tensor.Zeros(1, 4);
        var w = Tensor.Full(0.1f, 4, 4);
        w.RequiresGrad = true;
        for (int t = 0; t < 20000; t++) h = (h.Matmul(w) + 1f).Tanh();
        h.Sum().Backward();
        Assert.NotNull(w.Grad);
    }

    [Fact]
    public void PadReplicateAndCropAreInverse()
    {
        var x = Arange(1, 2, 3);
        var p = x.Pad([0, 1, 2], [0, 0, 1], PadMode.Replicate);
        Assert.Equal(new[] { 1, 3, 6 }, p.ShapeArray);
        Assert.Equal(new float[] { 0, 0, 0, 1, 2, 2 }, p.Narrow(1, 0, 1).ToArray());
        Assert.Equal(x.ToArray(), p.Crop([0, 1, 2], [1, 2, 3]).ToArray());
    }

    [Fact]
    public void SamePaddingKeepsLengthAndEvenKernelPadsAfter()
    {
        var x = Tensor.Randn(new Rng(1), 1, 2, 9);
        var w = Tensor.Randn(new Rng(2), 3, 2, 4);
        Assert.Equal(9, F.Conv1d(x, w, mode: ConvPadMode.Same).Dim(2));
        Assert.Equal(5, F.Conv1d(x, w, stride: 2, mode: ConvPadMode.Same).Dim(2));
        // k = 4: total padding 3 → 1 before, 2 after (PyTorch's padding='same').
        var explicitPad = F.Conv1d(x.Pad([0, 0, 1], [0, 0, 2]), w);
        Assert.Equal(explicitPad.ToArray(), F.Conv1d(x, w, mode: ConvPadMode.Same).ToArray());
    }

    [Fact]
    public void KerasGruWeightsGiveTheSameResultAsPyTorchLayout()
    {
        var rng = new Rng(3);
        var torchGru = new Gru(3, 4, rng);
        int h = 4;
        var p = torchGru.StateDict();
        // PyTorch rows (r, z, n) → Keras columns (z, r, h).
        Tensor ToKeras(Tensor rows) => Tensor.Concat([rows.Narrow(0, h, h), rows.Narrow(0, 0, h), rows.Narrow(0, 2 * h, h)], 0).Transpose(0, 1).Contiguous();
        var kernel = ToKeras(p["weight_ih_l0"].Detach());
        var recurrent = ToKeras(p["weight_hh_l0"].Detach());
        var bias = Tensor.Stack([ToKeras(p["bias_ih_l0"].Detach().Unsqueeze(1)).Squeeze(0), ToKeras(p["bias_hh_l0"].Detach().Unsqueeze(1)).Squeeze(0)], 0);
        var kerasGru = new Gru(3, 4, new Rng(99));
        kerasGru.LoadKerasLayer(0, 0, kernel, recurrent, bias);
        var x = Tensor.Randn(new Rng(4), 2, 5, 3);
        Assert.Equal(torchGru.Forward(x).ToArray(), kerasGru.Forward(x).ToArray());
    }

    [Fact]
    public void ChannelsFirstLayerNormModuleMatchesPermutedLastAxisNorm()
    {
        var x = Tensor.Randn(new Rng(5), 2, 3, 4, 5);
        var ln = new LayerNorm(3, eps: 1e-6f, axis: 1);
        ln.Weight!.Span[1] = 2f;
        var expected = F.LayerNormLast(x.Permute(0, 2, 3, 1), 1, ln.Weight, ln.Bias, 1e-6f).Permute(0, 3, 1, 2).ToArray();
        var actual = ln.Forward(x).ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void GeluMatchesScalarFormulaOverAWideRange()
    {
        var values = Enumerable.Range(-2000, 4001).Select(i => i * 0.01f).ToArray(); // −20 … 20, 4001 values (several chunks)
        var y = F.Gelu(Tensor.From(values, values.Length)).ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            float expected = 0.5f * v * (1f + F.Erf(v * 0.70710678f));
            Assert.True(Math.Abs(y[i] - expected) <= 1e-6f * Math.Max(1f, Math.Abs(v)), $"gelu({v}) = {y[i]} vs {expected}");
        }
        Assert.Equal(0f, y[0], 6);       // gelu(−20) ≈ 0
        Assert.Equal(20f, y[^1], 4);     // gelu(20) ≈ 20
    }

    [Fact]
    public void CpsdLossIsZeroForConsistentOneHotOutputs()
    {
        int k = 5;
        var a = Tensor.Zeros(1, 12); a[0, 2] = 1f;
        var shifted = Tensor.Zeros(1, 12); shifted[0, (2 + k) % 12] = 1f;
        Assert.Equal(0f, StoneLosses.CpsdLoss(a, a, shifted, [k]).Item(), 5);
        Assert.True(StoneLosses.CpsdLoss(a, a, shifted, [k + 1]).Item() > 0.1f);
        Assert.True(StoneLosses.CpsdLoss(a, shifted, shifted, [k]).Item() > 0.1f);
        var uniform = Tensor.Full(1f / 12, 1, 12);
        Assert.True(StoneLosses.CpsdLoss(uniform, uniform, uniform, [0]).Item() > 2.9f); // |Y| = 0: every term is 1
    }
}
