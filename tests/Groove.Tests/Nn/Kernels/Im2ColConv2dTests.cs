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
        // Odd widths and paddings: the vector groups of 8, the scalar tail and the clipped edges all occur; on every
        // SIMD path (the scalar path skips the vector groups).
        foreach (var path in DirectConv2dTests.Paths())
        foreach (var (w, pad, k) in new[] { (37, 3, 7), (250, 1, 3), (19, 0, 1), (64, 2, 5) })
        {
            const int cin = 2, h = 9, s = 2;
            int hout = (h + 2 * pad - k) / s + 1, wout = (w + 2 * pad - k) / s + 1;
            var g = new Conv2dGeometry(1, cin, h, w, 1, k, k, s, s, 1, 1, pad, pad, hout, wout, 1);
            float[] x = NaiveGemm.Random(cin * h * w, 5);
            int P = hout * wout;
            var col = Enumerable.Repeat(float.NaN, cin * k * k * P).ToArray();
            Im2ColConv2dKernel.Im2Col(g, x, col, path);
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
        var (x, wt, bias, gy) = ConvReference.Operands(g, 11);
        var e = ConvReference.Definition(g, x, wt, bias, gy);
        foreach (var path in DirectConv2dTests.Paths())
            foreach (int threads in new[] { 1, 2 })
            {
                var a = ConvReference.RunAll(new Im2ColConv2dKernel(path, threads), g, x, wt, bias, gy);
                string at = $"{path}, {threads} thread(s)";
                ConvReference.AssertWithin(e.y, a.y, ConvReference.Tolerance(g.PatchSize + 1), $"y ({at})");
                ConvReference.AssertWithin(e.gx, a.gx, ConvReference.Tolerance(g.CoutPerGroup * k * k), $"gx ({at})");
                ConvReference.AssertWithin(e.gw, a.gw, ConvReference.Tolerance(n * g.OutPlane), $"gw ({at})");
                ConvReference.AssertWithin(e.gb, a.gb, ConvReference.Tolerance(n * g.OutPlane), $"gb ({at})");
            }
    }

    [Fact]
    public void BackwardResultsDoNotDependOnTheThreadCount() =>
        // Data gradients are per sample; weight gradients are summed per fixed chunk of samples and the chunks added
        // in order: bit-identical on one and two threads.
        ConvReference.AssertThreadIndependent(t => new Im2ColConv2dKernel(SimdPaths.Best, t), Strided(6, 8, 32, 50, 16, 3, 2, 1), 21);
}
