using Groove.Nn;
using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class DirectConv2dTests
{
    /// <summary>Float sums of <paramref name="terms"/> products of values in [−1, 1] by two kernels that add in different
    /// orders: each is within 4e-7·terms of the exact sum (see <c>ImplicitGemmConv2dTests</c>), so they differ by at
    /// most twice that; a dropped, doubled or misplaced tap is off by a whole product (order 1/terms of the scale).</summary>
    static float Tolerance(int terms) => 8e-7f * terms + 2e-6f;

    static void AssertClose(float[] expected, float[] actual, float tol, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= tol))
                Assert.Fail($"{what}[{i}] = {actual[i]}, expected {expected[i]}");
    }

    public static IEnumerable<object[]> Geometries => new int[][]
    {
        // n, cin, h, w, cout, kh, kw, dilation h, dilation w, pad top, pad left ('same' output unless noted)
        [2, 16, 1, 75, 16, 1, 5, 1, 4, 0, 8],     // TCN block: dilated 1-D, rows of several tiles plus a tail
        [1, 3, 1, 40, 5, 1, 5, 1, 16, 0, 32],     // dilation wider than the row: most taps fall in the padding
        [2, 1, 13, 37, 8, 3, 5, 1, 1, 1, 2],      // ZeroNS first layer: one input channel
        [3, 8, 6, 29, 16, 3, 5, 1, 2, 1, 4],      // ZeroNS second: time dilation 2
        [1, 5, 4, 50, 7, 3, 5, 2, 4, 2, 8],       // odd channel counts (a 3-channel block), dilation in both axes
        [2, 1, 20, 19, 6, 3, 3, 1, 1, 1, 0],      // TCN front end: no padding along the width (output 17 wide)
        [2, 6, 3, 21, 3, 1, 1, 1, 1, 0, 0],       // 1×1
        [2, 2, 7, 19, 6, 4, 4, 1, 1, 1, 2],       // even kernel: asymmetric 'same' padding
        [2, 32, 1, 70, 1, 1, 3, 1, 1, 0, 1],      // 32 channels to 1 (a head)
        [1, 4, 3, 150, 4, 3, 3, 2, 3, 2, 3],      // wide rows: full 4-vector tiles and narrower tails
        [1, 3, 4, 30, 2, 3, 3, 1, 1, 0, 0],       // valid convolution (output smaller in both axes)
        [5, 8, 1, 50, 8, 1, 3, 1, 1, 0, 1],       // one-row kernels: weight-gradient items span samples
        [3, 5, 4, 33, 6, 1, 5, 1, 2, 1, 4],       // … over several rows, with zero rows from the top padding
        [2, 4, 30, 8, 4, 1, 8, 1, 1, 0, 0],       // TCN (1, 8) over 8 bands: one output column, run along the rows
        [2, 3, 25, 6, 5, 3, 6, 1, 1, 1, 0],       // … with a kernel height and padding along the long axis
    }.Select(r => r.Cast<object>().ToArray());

    internal static IEnumerable<SimdPath> Paths() => Enum.GetValues<SimdPath>().Where(SimdPaths.CanRun);

    static Conv2dGeometry Geometry(int n, int cin, int h, int w, int cout, int kh, int kw, int dh, int dw, int pt, int pl,
        bool same)
    {
        int hout = h + 2 * pt - dh * (kh - 1), wout = w + 2 * pl - dw * (kw - 1);
        if (same && kh % 2 == 0 && pt > 0) hout = h; // even kernels: the 'same' output with the extra padding after
        if (same && kw % 2 == 0 && pl > 0) wout = w;
        return new Conv2dGeometry(n, cin, h, w, cout, kh, kw, 1, 1, dh, dw, pt, pl, hout, wout, 1);
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void MatchesIm2ColOnEveryPathAndThreadCount(int n, int cin, int h, int w, int cout, int kh, int kw, int dh,
        int dw, int pt, int pl)
    {
        var g = Geometry(n, cin, h, w, cout, kh, kw, dh, dw, pt, pl, same: pt > 0 || pl > 0);
        CompareWithIm2Col(g);
    }

    static void CompareWithIm2Col(Conv2dGeometry g)
    {
        float[] x = NaiveGemm.Random(g.N * g.Cin * g.InPlane, 1), wt = NaiveGemm.Random(g.Cout * g.PatchSize, 2);
        float[] bias = NaiveGemm.Random(g.Cout, 3), gy = NaiveGemm.Random(g.N * g.Cout * g.OutPlane, 4);
        var reference = new Im2ColConv2dKernel();
        var ey = new float[gy.Length];
        var egx = new float[x.Length];
        var egw = new float[wt.Length];
        var egb = new float[g.Cout];
        reference.Forward(g, x, wt, bias, ey);
        reference.BackwardData(g, gy, wt, egx);
        reference.BackwardWeight(g, x, gy, egw, egb);
        foreach (var path in Paths())
            foreach (int threads in new[] { 1, 2 })
            {
                var kernel = new DirectConv2dKernel(path, threads);
                Assert.True(kernel.Supports(g), $"{g} not supported");
                var y = new float[ey.Length];
                var gx = new float[x.Length];
                var gw = new float[wt.Length];
                var gb = new float[g.Cout];
                Array.Fill(y, float.NaN); // outputs are overwritten, not accumulated
                Array.Fill(gx, float.NaN);
                Array.Fill(gw, float.NaN);
                Array.Fill(gb, float.NaN);
                kernel.Forward(g, x, wt, bias, y);
                kernel.BackwardData(g, gy, wt, gx);
                kernel.BackwardWeight(g, x, gy, gw, gb);
                string at = $"{path}, {threads} thread(s)";
                AssertClose(ey, y, Tolerance(g.PatchSize + 1), $"y ({at})");
                AssertClose(egx, gx, Tolerance(g.Cout * g.Kh * g.Kw), $"gx ({at})");
                AssertClose(egw, gw, Tolerance(g.N * g.OutPlane), $"gw ({at})");
                AssertClose(egb, gb, Tolerance(g.N * g.OutPlane), $"gb ({at})");
            }
    }

    [Fact]
    public void LargeProblemOnTwoThreadsMatchesOneThread()
    {
        // Above the parallel threshold (a TCN front-end convolution). Forward and data-gradient outputs are each
        // computed by one tile whatever the split: identical. Weight-gradient partial sums are per (sample, row run)
        // and added in item order, so they do not depend on the thread count either.
        var g = Geometry(3, 16, 40, 26, 16, 3, 3, 1, 1, 1, 0, same: false);
        float[] x = NaiveGemm.Random(g.N * g.Cin * g.InPlane, 5), wt = NaiveGemm.Random(g.Cout * g.PatchSize, 6);
        float[] gy = NaiveGemm.Random(g.N * g.Cout * g.OutPlane, 7);
        var results = new List<(float[] y, float[] gx, float[] gw)>();
        foreach (int threads in new[] { 1, 2 })
        {
            var kernel = new DirectConv2dKernel(SimdPaths.Best, threads);
            var y = new float[gy.Length];
            var gx = new float[x.Length];
            var gw = new float[wt.Length];
            kernel.Forward(g, x, wt, default, y);
            kernel.BackwardData(g, gy, wt, gx);
            kernel.BackwardWeight(g, x, gy, gw, default);
            results.Add((y, gx, gw));
        }
        Assert.Equal(results[0].y, results[1].y);
        Assert.Equal(results[0].gx, results[1].gx);
        Assert.Equal(results[0].gw, results[1].gw);
    }

    [Fact]
    public void TakesOnlyDenseStrideOneConvolutionsWithFewChannels()
    {
        var k = new DirectConv2dKernel();
        Assert.True(k.Supports(Geometry(6, 16, 1, 600, 16, 1, 5, 1, 128, 0, 256, same: true)));   // TCN block
        Assert.True(k.Supports(Geometry(16, 16, 8, 313, 32, 3, 5, 1, 4, 1, 8, same: true)));      // ZeroNS small
        Assert.False(k.Supports(Geometry(1, 64, 32, 313, 128, 5, 15, 1, 1, 2, 7, same: true)));   // ZeroNS full
        Assert.False(k.Supports(new Conv2dGeometry(1, 4, 9, 9, 4, 3, 3, 2, 2, 1, 1, 1, 1, 5, 5, 1))); // stride 2
        Assert.False(k.Supports(new Conv2dGeometry(1, 4, 9, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1, 9, 9, 2))); // groups
    }
}
