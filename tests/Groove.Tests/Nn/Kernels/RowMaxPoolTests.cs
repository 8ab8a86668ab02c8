using Groove.Nn;
using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class RowMaxPoolTests
{
    [Fact]
    public void MatchesScanOrderDefinitionWithTiesAndNaNs()
    {
        const int planes = 3, h = 13, w = 21, k = 3; // w: two vectors of 8 and a tail of 5; h: the last row is dropped
        var rng = new Random(4);
        var x = new float[planes * h * w];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(4); // few levels: many ties
        for (int i = 0; i < x.Length; i += 17) x[i] = float.NaN;
        int oh = h / k;
        var y = new float[planes * oh * w];
        var arg = new int[y.Length];
        RowMaxPool.Forward(x, y, arg, planes, h, w, k);
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
                for (int c = 0; c < w; c++)
                {
                    // The general pooling loop's rule: the first NaN wins; otherwise the first strict maximum.
                    float best = float.NegativeInfinity; int bi = -1;
                    for (int r = i * k; r < i * k + k; r++)
                    {
                        float v = x[(p * h + r) * w + c];
                        if (bi < 0 || v > best || float.IsNaN(v)) { best = v; bi = r * w + c; if (float.IsNaN(v)) break; }
                    }
                    int o = (p * oh + i) * w + c;
                    Assert.Equal(best, y[o]); // exact: a maximum is one of the inputs (NaN equals NaN for Assert)
                    Assert.Equal(bi, arg[o]);
                }
    }

    [Fact]
    public void FrequencyPoolingGradientGoesToTheFirstMaximum()
    {
        var x = Tensor.From([1f, 5f, 2f, 5f, 3f, 0f, 9f, 1f], 1, 1, 4, 2);
        x.RequiresGrad = true;
        var y = Functional.MaxPool2d(x, (2, 1));
        Assert.Equal(new[] { 2f, 5f, 9f, 1f }, y.ToArray());
        y.Sum().Backward();
        Assert.Equal(new[] { 0f, 1f, 1f, 0f, 0f, 0f, 1f, 1f }, x.Grad!.ToArray());
    }
}
