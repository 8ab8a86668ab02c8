using Groove.Nn;
using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class ImplicitGemmConv2dTests
{
    /// <summary>Direct definition (double accumulation) of a dense convolution, its data and weight gradients.</summary>
    static (float[] y, float[] gx, float[] gw, float[] gb) Naive(Conv2dGeometry g, float[] x, float[] w, float[] bias,
        float[] gy) => ConvReference.Definition(g, x, w, bias, gy);

    /// <summary>Relative error bound for float sums of <paramref name="terms"/> products of values in [−1, 1]
    /// against a double reference: each float add or FMA rounds by at most 2⁻²⁴ relative to the running sum, so
    /// the error grows at most linearly with the number of terms; 4e-7·terms leaves a margin of ~6 over that bound
    /// while still catching a dropped or doubled tap (an error of order 1/terms of the sum's scale or more).</summary>
    static float Tolerance(int terms) => 4e-7f * terms + 1e-6f;

    static void AssertClose(float[] expected, float[] actual, float scale, float tol, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= tol * scale))
                Assert.Fail($"{what}[{i}] = {actual[i]}, expected {expected[i]}");
    }

    public static IEnumerable<object[]> Geometries => new int[][]
    {
        // n, cin, h, w, cout, kh, kw, dilation h, dilation w, pad top, pad left ('same' unless the output is smaller)
        [2, 3, 9, 45, 5, 3, 11, 1, 1, 1, 5],    // ZeroNS layer 1 style: (3, 11) 'same'
        [1, 4, 12, 37, 7, 7, 13, 1, 1, 3, 6],   // (7, 13), one sample: pixel slabs over threads
        [3, 2, 5, 70, 13, 1, 25, 1, 1, 0, 12],  // (1, 25) over time, wide rows
        [2, 3, 8, 33, 4, 3, 5, 2, 3, 2, 6],     // dilation in both axes
        [1, 5, 6, 20, 3, 3, 3, 1, 1, 0, 0],     // valid convolution (no padding)
        [2, 2, 7, 19, 6, 4, 4, 1, 1, 1, 2],     // even kernel: asymmetric 'same' padding
        [1, 1, 1, 300, 2, 1, 5, 1, 4, 0, 8],    // 1-D dilated (TCN style)
        [2, 16, 5, 40, 3, 3, 7, 1, 2, 1, 6],    // Cin ≥ 16: the data gradient runs as a transposed implicit GEMM
        [1, 17, 4, 21, 18, 2, 3, 1, 1, 0, 1],   // … with an even kernel height (asymmetric padding) and Cout > MR
    }.Select(r => r.Cast<object>().ToArray());

    /// <summary>Every SIMD path that can run here: the scalar kernel, AVX2+FMA where present, and the AVX-512 tile
    /// (in software where AVX-512 is missing).</summary>
    internal static IEnumerable<SimdPath> Paths() =>
        Enum.GetValues<SimdPath>().Where(SimdPaths.CanRun);

    [Theory]
    [MemberData(nameof(Geometries))]
    public void MatchesDirectDefinitionOnEveryPath(int n, int cin, int h, int w, int cout, int kh, int kw, int dh, int dw,
        int pt, int pl)
    {
        int hout = h + 2 * pt - dh * (kh - 1), wout = w + 2 * pl - dw * (kw - 1);
        if (kh % 2 == 0) hout = h; // even kernels: the 'same' output with the extra padding after
        if (kw % 2 == 0) wout = w;
        var g = new Conv2dGeometry(n, cin, h, w, cout, kh, kw, 1, 1, dh, dw, pt, pl, hout, wout, 1);
        float[] x = NaiveGemm.Random(n * cin * h * w, 1), wt = NaiveGemm.Random(cout * cin * kh * kw, 2);
        float[] bias = NaiveGemm.Random(cout, 3), gy = NaiveGemm.Random(n * cout * hout * wout, 4);
        var (ey, egx, egw, egb) = Naive(g, x, wt, bias, gy);
        foreach (var path in Paths())
            foreach (int threads in new[] { 1, 2 })
            {
                var kernel = new ImplicitGemmConv2dKernel(path, threads);
                Assert.True(kernel.Supports(g));
                var y = new float[ey.Length];
                var gx = new float[x.Length];
                var gw = new float[wt.Length];
                var gb = new float[cout];
                Array.Fill(gx, float.NaN); // outputs are overwritten, not accumulated
                Array.Fill(gw, float.NaN);
                kernel.Forward(g, x, wt, bias, y);
                kernel.BackwardData(g, gy, wt, gx);
                kernel.BackwardWeight(g, x, gy, gw, gb);
                string at = $"{path}, {threads} thread(s)";
                AssertClose(ey, y, 1f, Tolerance(cin * kh * kw), $"y ({at})");
                AssertClose(egx, gx, 1f, Tolerance(cout * kh * kw), $"gx ({at})");
                AssertClose(egw, gw, 1f, Tolerance(n * hout * wout), $"gw ({at})");
                AssertClose(egb, gb, 1f, Tolerance(n * hout * wout), $"gb ({at})");
            }
    }

    [Fact]
    public void LargeProblemSplitsOverThreadsLikeOneThread()
    {
        // Above the parallel threshold: one sample (pixel and tap slabs) and four (sample split). Threads change
        // which slab or partial sum an element lands in, never the order of its own sum within a sample, but the
        // weight gradient's partials over samples are added in another order: compare within the float bound.
        foreach (int n in new[] { 1, 4 })
        {
            var g = new Conv2dGeometry(n, 16, 12, 90, 24, 3, 9, 1, 1, 1, 1, 1, 4, 12, 90, 1);
            float[] x = NaiveGemm.Random(n * 16 * 12 * 90, 5), wt = NaiveGemm.Random(24 * 16 * 27, 6);
            float[] gy = NaiveGemm.Random(n * 24 * 12 * 90, 7);
            var results = new List<(float[] y, float[] gx, float[] gw)>();
            foreach (int threads in new[] { 1, 2 })
            {
                var kernel = new ImplicitGemmConv2dKernel(SimdPaths.Best, threads);
                var y = new float[gy.Length];
                var gx = new float[x.Length];
                var gw = new float[wt.Length];
                kernel.Forward(g, x, wt, default, y);
                kernel.BackwardData(g, gy, wt, gx);
                kernel.BackwardWeight(g, x, gy, gw, default);
                results.Add((y, gx, gw));
            }
            Assert.Equal(results[0].y, results[1].y);   // same per-element sums: identical
            Assert.Equal(results[0].gx, results[1].gx);
            AssertClose(results[0].gw, results[1].gw, 1f, Tolerance(n * 12 * 90), "gw");
        }
    }
}
