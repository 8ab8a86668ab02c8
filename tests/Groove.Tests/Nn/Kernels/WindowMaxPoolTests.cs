using Groove.Nn;
using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class WindowMaxPoolTests
{
    /// <summary>Overlapping 3×3/2 windows with padding 1 (ResNet's stem pooling), clipped to a 11 × 37 plane.</summary>
    static (int[] s, int[] e) Windows(int size, int k, int stride, int pad)
    {
        int n = (size + 2 * pad - k) / stride + 1;
        var s = new int[n]; var e = new int[n];
        for (int o = 0; o < n; o++) { s[o] = Math.Max(o * stride - pad, 0); e[o] = Math.Min(o * stride - pad + k, size); }
        return (s, e);
    }

    [Fact]
    public void WithAndWithoutArgmaxMatchTheScanDefinitionWithTiesAndNaNs()
    {
        const int planes = 3, h = 11, w = 37;
        var rng = new Random(7);
        var x = new float[planes * h * w];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(5) - 2; // few levels: many ties
        for (int i = 0; i < x.Length; i += 23) x[i] = float.NaN;
        var (rs, re) = Windows(h, 3, 2, 1);
        var (cs, ce) = Windows(w, 3, 2, 1);
        int oh = rs.Length, ow = cs.Length;
        var y = new float[planes * oh * ow];
        var yFast = new float[y.Length];
        var arg = new int[y.Length];
        WindowMaxPool.Forward(x, y, arg, planes, h, w, rs, re, cs, ce);
        WindowMaxPool.Forward(x, yFast, default, planes, h, w, rs, re, cs, ce);
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    float best = float.NegativeInfinity; int bi = -1;
                    for (int r = rs[i]; r < re[i] && !float.IsNaN(best); r++)
                        for (int c = cs[j]; c < ce[j]; c++)
                        {
                            float v = x[(p * h + r) * w + c];
                            if (bi < 0 || v > best || float.IsNaN(v)) { best = v; bi = r * w + c; if (float.IsNaN(v)) break; }
                        }
                    int o = (p * oh + i) * ow + j;
                    Assert.Equal(best, y[o]);
                    Assert.Equal(bi, arg[o]);
                    Assert.Equal(best, yFast[o]);
                }
    }

    [Fact]
    public void InferenceAndTrainingPoolingAgree()
    {
        var x = Tensor.Randn(new Rng(3), 2, 4, 16, 41);
        x.RequiresGrad = true;
        var train = Functional.MaxPool2d(x, (3, 3), (2, 2), (1, 1));
        Tensor infer;
        using (GradMode.NoGrad()) infer = Functional.MaxPool2d(x, (3, 3), (2, 2), (1, 1));
        Assert.Equal(train.ToArray(), infer.ToArray());
        train.Sum().Backward();
        // Each output's gradient of 1 goes to exactly one input of its window.
        Assert.Equal(train.Size, x.Grad!.ToArray().Sum(), 3);
    }
}
