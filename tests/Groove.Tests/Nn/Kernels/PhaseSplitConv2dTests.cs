using Groove.Nn;
using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class PhaseSplitConv2dTests
{
    static Conv2dGeometry Strided(int n, int cin, int h, int w, int cout, int kh, int kw, int pt, int pl) =>
        new(n, cin, h, w, cout, kh, kw, 2, 2, 1, 1, pt, pl, (h + 2 * pt - kh) / 2 + 1, (w + 2 * pl - kw) / 2 + 1, 1);

    /// <summary>Stride-2 geometries: Tile2Vec's stem (7×7, padding 3, one channel) on odd and even sizes, 5×5 with
    /// several channels, an oblong kernel with unequal paddings, no padding (inputs past the last window get no
    /// gradient), and a batch above the parallel threshold.</summary>
    public static IEnumerable<object[]> Geometries => new int[][]
    {
        // n, cin, h, w, cout, kh, kw, pad top, pad left
        [2, 1, 20, 37, 8, 7, 7, 3, 3],
        [1, 1, 19, 50, 8, 7, 7, 3, 3],
        [2, 3, 11, 23, 5, 5, 5, 2, 2],
        [1, 2, 14, 31, 4, 7, 5, 1, 2],
        [2, 2, 12, 27, 3, 5, 5, 0, 0],
        [6, 1, 64, 120, 8, 7, 7, 3, 3],
    }.Select(r => r.Cast<object>().ToArray());

    [Theory]
    [MemberData(nameof(Geometries))]
    public void MatchesTheDefinitionOnEveryPathAndThreadCount(int n, int cin, int h, int w, int cout, int kh, int kw,
        int pt, int pl)
    {
        var g = Strided(n, cin, h, w, cout, kh, kw, pt, pl);
        var (x, wt, bias, gy) = ConvReference.Operands(g, 31);
        var e = ConvReference.Definition(g, x, wt, bias, gy);
        int taps = 4 * ((kh + 1) / 2) * ((kw + 1) / 2);
        foreach (var path in DirectConv2dTests.Paths())
            foreach (int threads in new[] { 1, 2 })
            {
                var kernel = new PhaseSplitConv2dKernel(path, threads);
                Assert.True(kernel.Supports(g), $"{g} not supported");
                var a = ConvReference.RunAll(kernel, g, x, wt, bias, gy);
                string at = $"{path}, {threads} thread(s)";
                ConvReference.AssertWithin(e.y, a.y, ConvReference.Tolerance(cin * taps + 1), $"y ({at})");
                ConvReference.AssertWithin(e.gx, a.gx, ConvReference.Tolerance(cout * taps), $"gx ({at})");
                ConvReference.AssertWithin(e.gw, a.gw, ConvReference.Tolerance(n * g.OutPlane), $"gw ({at})");
                ConvReference.AssertWithin(e.gb, a.gb, ConvReference.Tolerance(n * g.OutPlane), $"gb ({at})");
            }
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount() =>
        ConvReference.AssertThreadIndependent(t => new PhaseSplitConv2dKernel(SimdPaths.Best, t), Strided(6, 1, 64, 120, 8, 7, 7, 3, 3), 41);

    [Fact]
    public void TakesStrideTwoKernelsOfFiveAndUpWithFewChannels()
    {
        var k = new PhaseSplitConv2dKernel();
        Assert.True(k.Supports(Strided(48, 1, 128, 500, 8, 7, 7, 3, 3)));    // Tile2Vec stem
        Assert.False(k.Supports(Strided(48, 8, 32, 125, 16, 3, 3, 1, 1)));   // 3×3/2: 16 taps for 9, im2col
        Assert.False(k.Supports(Strided(4, 16, 32, 125, 16, 7, 7, 3, 3)));   // 64 phase channels: too many
        Assert.False(k.Supports(new Conv2dGeometry(1, 1, 20, 20, 4, 7, 7, 1, 1, 1, 1, 3, 3, 20, 20, 1))); // stride 1
    }
}
