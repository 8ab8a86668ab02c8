using Groove.Nn;

namespace Groove.Tests.Nn.Kernels;

/// <summary>What the convolution kernels' tests share: the definition to check against, operands, running one
/// kernel's three passes, and the thread-count check.</summary>
static class ConvReference
{
    /// <summary>A (grouped) convolution, its data, weight and bias gradients by their definition, accumulated in
    /// double.</summary>
    public static (float[] y, float[] gx, float[] gw, float[] gb) Definition(Conv2dGeometry g, float[] x, float[] w,
        float[] bias, float[] gy)
    {
        int cig = g.CinPerGroup, cog = g.CoutPerGroup;
        var y = new float[g.N * g.Cout * g.OutPlane];
        double[] gx = new double[x.Length], gw = new double[w.Length], gb = new double[g.Cout];
        for (int n = 0; n < g.N; n++)
            for (int o = 0; o < g.Cout; o++)
                for (int oh = 0; oh < g.Hout; oh++)
                    for (int ow = 0; ow < g.Wout; ow++)
                    {
                        int yi = ((n * g.Cout + o) * g.Hout + oh) * g.Wout + ow;
                        double acc = bias[o];
                        gb[o] += gy[yi];
                        for (int c = 0; c < cig; c++)
                            for (int i = 0; i < g.Kh; i++)
                                for (int j = 0; j < g.Kw; j++)
                                {
                                    int ih = oh * g.StrideH - g.PadTop + i * g.DilationH;
                                    int iw = ow * g.StrideW - g.PadLeft + j * g.DilationW;
                                    if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                                    int xi = ((n * g.Cin + o / cog * cig + c) * g.H + ih) * g.W + iw;
                                    int wi = ((o * cig + c) * g.Kh + i) * g.Kw + j;
                                    acc += (double)w[wi] * x[xi];
                                    gx[xi] += (double)w[wi] * gy[yi];
                                    gw[wi] += (double)x[xi] * gy[yi];
                                }
                        y[yi] = (float)acc;
                    }
        return (y, Array.ConvertAll(gx, v => (float)v), Array.ConvertAll(gw, v => (float)v), Array.ConvertAll(gb, v => (float)v));
    }

    /// <summary>Input, weights, bias and output gradient in [−1, 1].</summary>
    public static (float[] x, float[] wt, float[] bias, float[] gy) Operands(Conv2dGeometry g, int seed) =>
        (NaiveGemm.Random(g.N * g.Cin * g.InPlane, seed), NaiveGemm.Random(g.Cout * g.PatchSize, seed + 1),
         NaiveGemm.Random(g.Cout, seed + 2), NaiveGemm.Random(g.N * g.Cout * g.OutPlane, seed + 3));

    /// <summary>Forward, data and weight gradient of one kernel, into outputs first filled with NaN (a kernel must
    /// overwrite them, not accumulate).</summary>
    public static (float[] y, float[] gx, float[] gw, float[] gb) RunAll(IConv2dKernel kernel, Conv2dGeometry g,
        float[] x, float[] wt, float[] bias, float[] gy)
    {
        float[] y = new float[gy.Length], gx = new float[x.Length], gw = new float[wt.Length], gb = new float[g.Cout];
        foreach (var a in new[] { y, gx, gw, gb }) Array.Fill(a, float.NaN);
        kernel.Forward(g, x, wt, bias, y);
        kernel.BackwardData(g, gy, wt, gx);
        kernel.BackwardWeight(g, x, gy, gw, gb);
        return (y, gx, gw, gb);
    }

    /// <summary>Float sums of <paramref name="terms"/> products of values in [−1, 1]: within 8e-7·terms of the
    /// double definition; a dropped, doubled or misplaced tap is off by a whole product.</summary>
    public static float Tolerance(int terms) => 8e-7f * terms + 2e-6f;

    public static void AssertWithin(float[] expected, float[] actual, float tol, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= tol))
                Assert.Fail($"{what}[{i}] = {actual[i]}, expected {expected[i]}");
    }

    /// <summary>The kernel made for one thread and for two gives bit-identical results (whether or not the shared
    /// pool is busy with other tests meanwhile).</summary>
    public static void AssertThreadIndependent(Func<int, IConv2dKernel> kernelFor, Conv2dGeometry g, int seed)
    {
        var (x, wt, bias, gy) = Operands(g, seed);
        var one = RunAll(kernelFor(1), g, x, wt, bias, gy);
        var two = RunAll(kernelFor(2), g, x, wt, bias, gy);
        Assert.Equal(one.y, two.y);
        Assert.Equal(one.gx, two.gx);
        Assert.Equal(one.gw, two.gw);
        Assert.Equal(one.gb, two.gb);
    }
}
