using Groove.Nn;
using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class ColumnMaxPoolTests
{
    /// <summary>The general pooling loop's rule for one window: the first NaN wins; otherwise the first strict maximum.</summary>
    static (float best, int arg) Reference(float[] x, int rowStart, int c0, int k)
    {
        float best = float.NegativeInfinity; int bi = -1;
        for (int c = c0; c < c0 + k; c++)
        {
            float v = x[rowStart + c];
            if (bi < 0 || v > best || float.IsNaN(v)) { best = v; bi = c; if (float.IsNaN(v)) break; }
        }
        return (best, bi);
    }

    [Theory]
    [InlineData(3, 79)]  // the beat TCN's front end: 26 windows (three vectors of 8 and a tail of 2), last column dropped
    [InlineData(2, 16)]  // exactly one vector
    [InlineData(4, 7)]   // a single window, scalar only
    public void MatchesScanOrderDefinitionWithTiesAndNaNs(int k, int w)
    {
        const int planes = 3, h = 5;
        var rng = new Random(k * 100 + w);
        var x = new float[planes * h * w];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(4); // few levels: many ties
        for (int i = 0; i < x.Length; i += 13) x[i] = float.NaN;
        int ow = w / k;
        var y = new float[planes * h * ow];
        var arg = new int[y.Length];
        ColumnMaxPool.Forward(x, y, arg, planes, h, w, k);
        for (int p = 0; p < planes; p++)
            for (int r = 0; r < h; r++)
                for (int j = 0; j < ow; j++)
                {
                    var (best, bi) = Reference(x, (p * h + r) * w, j * k, k);
                    int o = (p * h + r) * ow + j;
                    Assert.Equal(best, y[o]); // exact: a maximum is one of the inputs (NaN equals NaN for Assert)
                    Assert.Equal(r * w + bi, arg[o]);
                }
    }

    [Fact]
    public void PoolingAlongColumnsSendsTheGradientToTheFirstMaximum()
    {
        // [1, 1, 2, 7] pooled by (1, 3): windows {1, 5, 5} {2, 0, 9} per row; the seventh column is dropped.
        var x = Tensor.From([1f, 5f, 5f, 2f, 0f, 9f, 4f, 3f, 3f, 3f, 8f, 1f, 8f, 6f], 1, 1, 2, 7);
        x.RequiresGrad = true;
        var y = Functional.MaxPool2d(x, (1, 3));
        Assert.Equal(new[] { 5f, 9f, 3f, 8f }, y.ToArray());
        (y * Tensor.From([1f, 2f, 3f, 4f], 1, 1, 2, 2)).Sum().Backward();
        Assert.Equal(new[] { 0f, 1f, 0f, 0f, 0f, 2f, 0f, 3f, 0f, 0f, 4f, 0f, 0f, 0f }, x.Grad!.ToArray());
    }
}
