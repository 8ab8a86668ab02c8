using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class DepthwiseConv2dTests
{
    /// <summary>Direct definition of depthwise convolution (a convolution with one group per channel), its data
    /// gradient and its weight gradient.</summary>
    static (float[] y, float[] gx, float[] gw, float[] gb) Naive(DepthwiseConv2d.Shape s, float[] x, float[] w,
        float[] bias, float[] gy) =>
        ConvReference.Definition(new Groove.Nn.Conv2dGeometry(s.N, s.C, s.H, s.W, s.C, s.Kh, s.Kw, s.StrideH, s.StrideW,
            s.DilationH, s.DilationW, s.PadTop, s.PadLeft, s.Hout, s.Wout, s.C), x, w, bias, gy);

    static void AssertClose(float[] expected, float[] actual, float tol, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])),
                $"{what}[{i}] = {actual[i]}, expected {expected[i]}");
    }

    public static TheoryData<int, int, int, int, int, int, int, int, int, int> Geometries => new()
    {
        // n, c, h, w, kh, kw, stride, dilation, pad, extra output (asymmetric padding)
        { 2, 3, 9, 45, 7, 7, 1, 1, 3, 0 },   // ConvNeXt block: 7×7, "same" padding, rows wide enough for vectors
        { 1, 2, 5, 70, 3, 3, 1, 1, 1, 0 },
        { 2, 2, 8, 37, 3, 5, 1, 2, 2, 1 },   // dilation, odd sizes
        { 1, 3, 11, 13, 3, 3, 2, 1, 1, 0 },  // stride 2
        { 1, 1, 6, 40, 1, 9, 1, 1, 0, 0 },   // 1-D style (kernel 1×9), no padding
        { 1, 2, 7, 50, 5, 5, 1, 1, 0, 0 },   // valid convolution
        { 3, 4, 4, 9, 3, 3, 3, 1, 2, 0 },    // stride 3
        { 2, 3, 84, 17, 5, 5, 1, 1, 2, 0 },  // ChromaNet's late stages: rows narrower than two vectors
        { 1, 2, 6, 3, 5, 5, 1, 1, 2, 0 },    // a row narrower than the filter
        { 1, 2, 9, 150, 5, 5, 1, 2, 4, 2 },  // wide rows (every vector block width), dilation, asymmetric padding
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void MatchesDirectDefinition(int n, int c, int h, int w, int kh, int kw, int stride, int dil, int pad, int extra)
    {
        int hout = (h + 2 * pad - dil * (kh - 1) - 1) / stride + 1;
        int wout = (w + 2 * pad - dil * (kw - 1) - 1) / stride + 1 + extra;
        var s = new DepthwiseConv2d.Shape(n, c, h, w, kh, kw, stride, stride, dil, dil, pad, pad, hout, wout);
        float[] x = NaiveGemm.Random(n * c * h * w, 1), wt = NaiveGemm.Random(c * kh * kw, 2);
        float[] bias = NaiveGemm.Random(c, 3), gy = NaiveGemm.Random(n * c * hout * wout, 4);
        var (ey, egx, egw, egb) = Naive(s, x, wt, bias, gy);

        // Every vector path (the AVX-512 one runs in software where the CPU lacks it).
        foreach (var path in new[] { SimdPath.Avx512, SimdPath.Avx2Fma, SimdPath.Scalar }.Where(SimdPaths.CanRun))
        {
            var y = Enumerable.Repeat(float.NaN, ey.Length).ToArray();
            DepthwiseConv2d.Forward(s, x, wt, bias, y, path);
            AssertClose(ey, y, 1e-5f, $"y ({path})");

            var gx = Enumerable.Repeat(float.NaN, x.Length).ToArray(); // must be fully overwritten
            DepthwiseConv2d.BackwardData(s, gy, wt, gx, path);
            AssertClose(egx, gx, 1e-5f, $"gx ({path})");
        }

        var gw = Enumerable.Repeat(float.NaN, wt.Length).ToArray();
        var gb = new float[c];
        DepthwiseConv2d.BackwardWeight(s, x, gy, gw, gb);
        AssertClose(egw, gw, 1e-4f, "gw");
        AssertClose(egb, gb, 1e-4f, "gb");
    }

    [Fact]
    public void LargeBatchRunsInParallelAndMatches()
    {
        var s = new DepthwiseConv2d.Shape(4, 16, 12, 40, 7, 7, 1, 1, 1, 1, 3, 3, 12, 40);
        float[] x = NaiveGemm.Random(4 * 16 * 12 * 40, 5), wt = NaiveGemm.Random(16 * 49, 6), gy = NaiveGemm.Random(x.Length, 7);
        var (ey, egx, egw, _) = Naive(s, x, wt, new float[16], gy);
        var y = new float[ey.Length];
        DepthwiseConv2d.Forward(s, x, wt, [], y);
        AssertClose(ey, y, 1e-5f, "y");
        var gx = new float[x.Length];
        DepthwiseConv2d.BackwardData(s, gy, wt, gx);
        AssertClose(egx, gx, 1e-5f, "gx");
        var gw = new float[wt.Length];
        DepthwiseConv2d.BackwardWeight(s, x, gy, gw, []);
        AssertClose(egw, gw, 1e-4f, "gw");
    }

    [Fact]
    public void RejectsShortSpans()
    {
        var s = new DepthwiseConv2d.Shape(1, 2, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 4, 4);
        Assert.Throws<ArgumentException>(() => DepthwiseConv2d.Forward(s, new float[31], new float[18], [], new float[32]));
        Assert.Throws<ArgumentException>(() => DepthwiseConv2d.Forward(s, new float[32], new float[18], [], new float[31]));
    }
}

public class DepthwiseConv2dKernelTests
{
    [Fact]
    public void AgreesWithIm2ColKernelOnDepthwiseGeometry()
    {
        var g = new Groove.Nn.Conv2dGeometry(2, 6, 10, 33, 6, 7, 7, 1, 1, 1, 1, 3, 3, 10, 33, 6);
        var fast = new DepthwiseConv2dKernel();
        var reference = new Groove.Nn.Im2ColConv2dKernel();
        Assert.True(fast.Supports(g));
        Assert.False(fast.Supports(g with { Groups = 1, Cout = 6 }));
        float[] x = NaiveGemm.Random(2 * 6 * 10 * 33, 1), w = NaiveGemm.Random(6 * 49, 2), b = NaiveGemm.Random(6, 3);
        float[] gy = NaiveGemm.Random(2 * 6 * 10 * 33, 4);
        float[] y1 = new float[gy.Length], y2 = new float[gy.Length];
        fast.Forward(g, x, w, b, y1);
        reference.Forward(g, x, w, b, y2);
        for (int i = 0; i < y1.Length; i++) Assert.True(Math.Abs(y1[i] - y2[i]) < 1e-4f);
        float[] gx1 = new float[x.Length], gx2 = new float[x.Length];
        fast.BackwardData(g, gy, w, gx1);
        reference.BackwardData(g, gy, w, gx2);
        for (int i = 0; i < gx1.Length; i++) Assert.True(Math.Abs(gx1[i] - gx2[i]) < 1e-4f);
        float[] gw1 = new float[w.Length], gw2 = new float[w.Length], gb1 = new float[6], gb2 = new float[6];
        fast.BackwardWeight(g, x, gy, gw1, gb1);
        reference.BackwardWeight(g, x, gy, gw2, gb2);
        for (int i = 0; i < gw1.Length; i++) Assert.True(Math.Abs(gw1[i] - gw2[i]) < 1e-3f * (1 + Math.Abs(gw2[i])));
        for (int i = 0; i < 6; i++) Assert.True(Math.Abs(gb1[i] - gb2[i]) < 1e-3f * (1 + Math.Abs(gb2[i])));
    }
}
