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

    static (float[] y, float[] gx, float[] gw, float[] gb) RunAll(IConv2dKernel kernel, Conv2dGeometry g, float[] x,
        float[] wt, float[] bias, float[] gy) => ConvReference.RunAll(kernel, g, x, wt, bias, gy);

    static (float[] x, float[] wt, float[] bias, float[] gy) Operands(Conv2dGeometry g, int seed) => ConvReference.Operands(g, seed);

    static void CompareWithIm2Col(Conv2dGeometry g)
    {
        var (x, wt, bias, gy) = Operands(g, 1);
        var e = RunAll(new Im2ColConv2dKernel(), g, x, wt, bias, gy);
        foreach (var path in Paths())
            foreach (int threads in new[] { 1, 2 })
            {
                var kernel = new DirectConv2dKernel(path, threads);
                Assert.True(kernel.Supports(g), $"{g} not supported");
                var a = RunAll(kernel, g, x, wt, bias, gy);
                string at = $"{path}, {threads} thread(s)";
                AssertClose(e.y, a.y, Tolerance(g.PatchSize + 1), $"y ({at})");
                AssertClose(e.gx, a.gx, Tolerance(g.Cout * g.Kh * g.Kw), $"gx ({at})");
                AssertClose(e.gw, a.gw, Tolerance(g.N * g.OutPlane), $"gw ({at})");
                AssertClose(e.gb, a.gb, Tolerance(g.N * g.OutPlane), $"gb ({at})");
            }
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        // Above the parallel threshold (a TCN front-end convolution, and a 1-D one whose weight-gradient items span
        // samples). Forward and data-gradient outputs are each computed by one tile whatever the split; weight-gradient
        // partial sums are per row run and added in run order: all bit-identical on one and on two threads.
        foreach (var g in new[]
                 {
                     Geometry(3, 16, 40, 26, 16, 3, 3, 1, 1, 1, 0, same: false),
                     Geometry(12, 16, 1, 300, 16, 1, 5, 1, 8, 0, 16, same: true),
                 })
            ConvReference.AssertThreadIndependent(t => new DirectConv2dKernel(SimdPaths.Best, t), g, 5);
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
