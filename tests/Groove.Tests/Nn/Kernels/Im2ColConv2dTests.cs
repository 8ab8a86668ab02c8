using Groove.Nn;
using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class Im2ColConv2dTests
{
    [Fact]
    public void SamplesSpreadOverTheCoresMatchOneSampleAtATime()
    {
        // Tile2Vec's stem: 7×7 stride 2, padding 3, 1 → 8 channels; 4 samples are over the threshold for the
        // sample-parallel forward pass, one sample alone runs the serial loop.
        const int n = 4, cin = 1, h = 64, w = 120, cout = 8, k = 7, s = 2, pad = 3;
        int hout = (h + 2 * pad - k) / s + 1, wout = (w + 2 * pad - k) / s + 1;
        var g = new Conv2dGeometry(n, cin, h, w, cout, k, k, s, s, 1, 1, pad, pad, hout, wout, 1);
        var one = g with { N = 1 };
        float[] x = NaiveGemm.Random(n * cin * h * w, 1), wt = NaiveGemm.Random(cout * cin * k * k, 2), b = NaiveGemm.Random(cout, 3);
        var kernel = new Im2ColConv2dKernel();
        var y = Enumerable.Repeat(float.NaN, n * cout * hout * wout).ToArray();
        kernel.Forward(g, x, wt, b, y);
        int inSize = cin * h * w, outSize = cout * hout * wout;
        for (int i = 0; i < n; i++)
        {
            var yi = new float[outSize];
            kernel.Forward(one, x.AsSpan(i * inSize, inSize), wt, b, yi);
            for (int j = 0; j < outSize; j++)
                Assert.True(Math.Abs(yi[j] - y[i * outSize + j]) <= 1e-5f * (1 + Math.Abs(yi[j])), $"sample {i}, output {j}");
        }
    }

    [Fact]
    public void StrideTwoPatchRowsMatchTheDefinition()
    {
        // Odd widths and paddings: the vector groups of 8, the scalar tail and the clipped edges all occur.
        foreach (var (w, pad, k) in new[] { (37, 3, 7), (250, 1, 3), (19, 0, 1), (64, 2, 5) })
        {
            const int cin = 2, h = 9, s = 2;
            int hout = (h + 2 * pad - k) / s + 1, wout = (w + 2 * pad - k) / s + 1;
            var g = new Conv2dGeometry(1, cin, h, w, 1, k, k, s, s, 1, 1, pad, pad, hout, wout, 1);
            float[] x = NaiveGemm.Random(cin * h * w, 5);
            int P = hout * wout;
            var col = Enumerable.Repeat(float.NaN, cin * k * k * P).ToArray();
            Im2ColConv2dKernel.Im2Col(g, x, col);
            for (int c = 0; c < cin; c++)
                for (int i = 0; i < k; i++)
                    for (int j = 0; j < k; j++)
                        for (int oh = 0; oh < hout; oh++)
                            for (int ow = 0; ow < wout; ow++)
                            {
                                int ih = oh * s - pad + i, iw = ow * s - pad + j;
                                float expected = ih >= 0 && ih < h && iw >= 0 && iw < w ? x[(c * h + ih) * w + iw] : 0f;
                                Assert.Equal(expected, col[((c * k + i) * k + j) * P + oh * wout + ow]);
                            }
        }
    }
    /// <summary>Float sums of <paramref name="terms"/> products of values in [−1, 1]: within 8e-7·terms of the double
    /// reference; a dropped, doubled or misplaced tap is off by a whole product.</summary>
    internal static float Tolerance(int terms) => 8e-7f * terms + 2e-6f;

    internal static void AssertClose(double[] expected, float[] actual, float tol, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= tol))
                Assert.Fail($"{what}[{i}] = {actual[i]}, expected {expected[i]}");
    }

    /// <summary>The convolution's forward pass and both gradients by their definition, in double.</summary>
    internal static (double[] y, double[] gx, double[] gw, double[] gb) Reference(Conv2dGeometry g, float[] x, float[] wt,
        float[] bias, float[] gy)
    {
        int cig = g.CinPerGroup, cog = g.CoutPerGroup;
        double[] y = new double[gy.Length], gx = new double[x.Length], gw = new double[wt.Length], gb = new double[g.Cout];
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
                                    int ih = oh * g.StrideH - g.PadTop + i * g.DilationH, iw = ow * g.StrideW - g.PadLeft + j * g.DilationW;
                                    if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                                    int xi = ((n * g.Cin + o / cog * cig + c) * g.H + ih) * g.W + iw;
                                    int wi = ((o * cig + c) * g.Kh + i) * g.Kw + j;
                                    acc += (double)x[xi] * wt[wi];
                                    gx[xi] += (double)gy[yi] * wt[wi];
                                    gw[wi] += (double)gy[yi] * x[xi];
                                }
                        y[yi] = acc;
                    }
        return (y, gx, gw, gb);
    }

    static (float[] y, float[] gx, float[] gw, float[] gb) RunAll(Im2ColConv2dKernel kernel, Conv2dGeometry g, float[] x,
        float[] wt, float[] bias, float[] gy)
    {
        float[] y = new float[gy.Length], gx = new float[x.Length], gw = new float[wt.Length], gb = new float[g.Cout];
        foreach (var a in new[] { y, gx, gw, gb }) Array.Fill(a, float.NaN);
        kernel.Forward(g, x, wt, bias, y);
        kernel.BackwardData(g, gy, wt, gx);
        kernel.BackwardWeight(g, x, gy, gw, gb);
        return (y, gx, gw, gb);
    }

    static Conv2dGeometry Strided(int n, int cin, int h, int w, int cout, int k, int s, int pad, int groups = 1) =>
        new(n, cin, h, w, cout, k, k, s, s, 1, 1, pad, pad, (h + 2 * pad - k) / s + 1, (w + 2 * pad - k) / s + 1, groups);

    /// <summary>Tile2Vec's im2col convolutions (the stride-2 stem, stride-2 3×3 and 1×1 projections), a grouped and a
    /// pointwise one: above the threshold the backward passes spread samples (data) and fixed sample chunks
    /// (weights) over the cores; below it and for one sample they run the serial loop.</summary>
    public static IEnumerable<object[]> BackwardGeometries => new int[][]
    {
        // n, cin, h, w, cout, k, stride, pad, groups
        [4, 1, 64, 120, 8, 7, 2, 3, 1],    // stem 7×7/2
        [6, 8, 32, 50, 16, 3, 2, 1, 1],    // 3×3/2 into a wider stage
        [5, 16, 40, 90, 32, 1, 2, 0, 1],   // 1×1/2 projection shortcut
        [6, 8, 30, 50, 8, 3, 1, 1, 2],     // grouped
        [6, 8, 60, 60, 16, 1, 1, 0, 1],    // pointwise: the input is the patch matrix
        [3, 4, 9, 13, 5, 3, 2, 1, 1],      // below the threshold: serial
        [1, 8, 40, 60, 16, 3, 2, 1, 1],    // one sample: serial
    }.Select(r => r.Cast<object>().ToArray());

    [Theory]
    [MemberData(nameof(BackwardGeometries))]
    public void ForwardAndGradientsMatchTheDefinitionOnEveryPathAndThreadCount(int n, int cin, int h, int w, int cout,
        int k, int s, int pad, int groups)
    {
        var g = Strided(n, cin, h, w, cout, k, s, pad, groups);
        float[] x = NaiveGemm.Random(n * cin * h * w, 11), wt = NaiveGemm.Random(cout * g.PatchSize, 12),
            bias = NaiveGemm.Random(cout, 13), gy = NaiveGemm.Random(n * cout * g.OutPlane, 14);
        var e = Reference(g, x, wt, bias, gy);
        foreach (var path in DirectConv2dTests.Paths())
            foreach (int threads in new[] { 1, 2 })
            {
                var a = RunAll(new Im2ColConv2dKernel(path, threads), g, x, wt, bias, gy);
                string at = $"{path}, {threads} thread(s)";
                AssertClose(e.y, a.y, Tolerance(g.PatchSize + 1), $"y ({at})");
                AssertClose(e.gx, a.gx, Tolerance(g.CoutPerGroup * k * k), $"gx ({at})");
                AssertClose(e.gw, a.gw, Tolerance(n * g.OutPlane), $"gw ({at})");
                AssertClose(e.gb, a.gb, Tolerance(n * g.OutPlane), $"gb ({at})");
            }
    }

    [Fact]
    public void BackwardResultsDoNotDependOnTheThreadCount()
    {
        // Data gradients are per sample; weight gradients are summed per fixed chunk of samples and the chunks added
        // in order: bit-identical on one and two threads (whether or not the shared pool is busy meanwhile).
        var g = Strided(6, 8, 32, 50, 16, 3, 2, 1);
        float[] x = NaiveGemm.Random(g.N * g.Cin * g.InPlane, 21), wt = NaiveGemm.Random(g.Cout * g.PatchSize, 22),
            bias = NaiveGemm.Random(g.Cout, 23), gy = NaiveGemm.Random(g.N * g.Cout * g.OutPlane, 24);
        var one = RunAll(new Im2ColConv2dKernel(SimdPaths.Best, 1), g, x, wt, bias, gy);
        var two = RunAll(new Im2ColConv2dKernel(SimdPaths.Best, 2), g, x, wt, bias, gy);
        Assert.Equal(one.y, two.y);
        Assert.Equal(one.gx, two.gx);
        Assert.Equal(one.gw, two.gw);
        Assert.Equal(one.gb, two.gb);
    }
}
