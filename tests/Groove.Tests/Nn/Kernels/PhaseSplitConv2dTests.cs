using Groove.Nn;
using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class PhaseSplitConv2dTests
{
    static Conv2dGeometry Strided(int n, int cin, int h, int w, int cout, int kh, int kw, int pt, int pl) =>
        new(n, cin, h, w, cout, kh, kw, 2, 2, 1, 1, pt, pl, (h + 2 * pt - kh) / 2 + 1, (w + 2 * pl - kw) / 2 + 1, 1);

    static (float[] y, float[] gx, float[] gw, float[] gb) RunAll(IConv2dKernel kernel, Conv2dGeometry g, float[] x,
        float[] wt, float[] bias, float[] gy)
    {
        float[] y = new float[gy.Length], gx = new float[x.Length], gw = new float[wt.Length], gb = new float[g.Cout];
        foreach (var a in new[] { y, gx, gw, gb }) Array.Fill(a, float.NaN);
        kernel.Forward(g, x, wt, bias, y);
        kernel.BackwardData(g, gy, wt, gx);
        kernel.BackwardWeight(g, x, gy, gw, gb);
        return (y, gx, gw, gb);
    }

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
        float[] x = NaiveGemm.Random(n * cin * h * w, 31), wt = NaiveGemm.Random(cout * g.PatchSize, 32),
            bias = NaiveGemm.Random(cout, 33), gy = NaiveGemm.Random(n * cout * g.OutPlane, 34);
        var e = Im2ColConv2dTests.Reference(g, x, wt, bias, gy);
        foreach (var path in DirectConv2dTests.Paths())
            foreach (int threads in new[] { 1, 2 })
            {
                var kernel = new PhaseSplitConv2dKernel(path, threads);
                Assert.True(kernel.Supports(g), $"{g} not supported");
                var a = RunAll(kernel, g, x, wt, bias, gy);
                string at = $"{path}, {threads} thread(s)";
                int taps = 4 * ((kh + 1) / 2) * ((kw + 1) / 2);
                Im2ColConv2dTests.AssertClose(e.y, a.y, Im2ColConv2dTests.Tolerance(cin * taps + 1), $"y ({at})");
                Im2ColConv2dTests.AssertClose(e.gx, a.gx, Im2ColConv2dTests.Tolerance(cout * taps), $"gx ({at})");
                Im2ColConv2dTests.AssertClose(e.gw, a.gw, Im2ColConv2dTests.Tolerance(n * g.OutPlane), $"gw ({at})");
                Im2ColConv2dTests.AssertClose(e.gb, a.gb, Im2ColConv2dTests.Tolerance(n * g.OutPlane), $"gb ({at})");
            }
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        var g = Strided(6, 1, 64, 120, 8, 7, 7, 3, 3);
        float[] x = NaiveGemm.Random(g.N * g.Cin * g.InPlane, 41), wt = NaiveGemm.Random(g.Cout * g.PatchSize, 42),
            bias = NaiveGemm.Random(g.Cout, 43), gy = NaiveGemm.Random(g.N * g.Cout * g.OutPlane, 44);
        var one = RunAll(new PhaseSplitConv2dKernel(SimdPaths.Best, 1), g, x, wt, bias, gy);
        var two = RunAll(new PhaseSplitConv2dKernel(SimdPaths.Best, 2), g, x, wt, bias, gy);
        Assert.Equal(one.y, two.y);
        Assert.Equal(one.gx, two.gx);
        Assert.Equal(one.gw, two.gw);
        Assert.Equal(one.gb, two.gb);
    }

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
