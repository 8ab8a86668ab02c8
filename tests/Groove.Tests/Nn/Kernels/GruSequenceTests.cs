using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class GruSequenceTests
{
    static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    /// <summary>Double-precision GRU recurrence (torch.nn.GRU equations), returning all states and the loss
    /// Σ hs∘wy + Σ h_last∘wl used to check gradients by central differences.</summary>
    static (double[] hs, double loss) Reference(int T, int B, int H, bool batchFirst, bool reverse, double[] xg,
        double[] whh, double[] bhh, double[]? h0, double[] wy, double[] wl)
    {
        int G = 3 * H;
        var hs = new double[T * B * H];
        var h = new double[B * H];
        if (h0 != null) Array.Copy(h0, h, h.Length);
        for (int s = 0; s < T; s++)
        {
            int t = reverse ? T - 1 - s : s;
            var hn = new double[B * H];
            for (int b = 0; b < B; b++)
            {
                int row = batchFirst ? b * T + t : t * B + b;
                for (int j = 0; j < H; j++)
                {
                    double gr = bhh[j], gz = bhh[H + j], gn = bhh[2 * H + j];
                    for (int q = 0; q < H; q++)
                    {
                        gr += whh[j * H + q] * h[b * H + q];
                        gz += whh[(H + j) * H + q] * h[b * H + q];
                        gn += whh[(2 * H + j) * H + q] * h[b * H + q];
                    }
                    double r = Sigmoid(xg[row * G + j] + gr), z = Sigmoid(xg[row * G + H + j] + gz);
                    double n = Math.Tanh(xg[row * G + 2 * H + j] + r * gn);
                    hn[b * H + j] = (1 - z) * n + z * h[b * H + j];
                    hs[row * H + j] = hn[b * H + j];
                }
            }
            h = hn;
        }
        double loss = 0;
        for (int i = 0; i < hs.Length; i++) loss += hs[i] * wy[i];
        for (int i = 0; i < h.Length; i++) loss += h[i] * wl[i];
        return (hs, loss);
    }

    static double[] D(float[] x) => Array.ConvertAll(x, v => (double)v);

    [Theory]
    [InlineData(5, 3, 4, false, false, true)]
    [InlineData(4, 2, 9, true, false, true)]
    [InlineData(6, 3, 17, false, true, false)]
    [InlineData(3, 5, 20, true, true, true)]
    public void ForwardAndGradientsMatchReference(int T, int B, int H, bool batchFirst, bool reverse, bool withH0)
    {
        foreach (var path in RunnablePaths())
            CheckAgainstReference(T, B, H, batchFirst, reverse, withH0, path);
    }

    /// <summary>The scalar, AVX2+FMA (where the CPU has it) and AVX-512 paths (in software where the CPU lacks it).</summary>
    static IEnumerable<SimdPath> RunnablePaths() =>
        new[] { SimdPath.Scalar, SimdPath.Avx2Fma, SimdPath.Avx512 }.Where(SimdPaths.CanRun);

    static void CheckAgainstReference(int T, int B, int H, bool batchFirst, bool reverse, bool withH0, SimdPath path)
    {
        int G = 3 * H, rows = T * B;
        float[] xg = NaiveGemm.Random(rows * G, 1), whh = NaiveGemm.Random(G * H, 2), bhh = NaiveGemm.Random(G, 3);
        for (int i = 0; i < whh.Length; i++) whh[i] *= 0.7f;
        float[] h0 = withH0 ? NaiveGemm.Random(B * H, 4) : [];
        float[] wy = NaiveGemm.Random(rows * H, 5), wl = NaiveGemm.Random(B * H, 6);

        var hs = new float[rows * H];
        var cache = new float[rows * GruSequence.CacheWidth * H];
        GruSequence.Forward(T, B, H, batchFirst, reverse, xg, whh, bhh, h0, hs, cache, path);
        double[]? h0d = withH0 ? D(h0) : null;
        var (ehs, _) = Reference(T, B, H, batchFirst, reverse, D(xg), D(whh), D(bhh), h0d, D(wy), D(wl));
        for (int i = 0; i < hs.Length; i++) Assert.True(Math.Abs(ehs[i] - hs[i]) < 2e-5, $"{path} hs[{i}]: {hs[i]} vs {ehs[i]}");

        // The final state (torch's h_n) is the state at the last processed step.
        var hLastGrad = wl;
        var gxg = new float[rows * G];
        var gwhh = new float[G * H];
        var gbhh = new float[G];
        var gh0 = new float[B * H];
        GruSequence.Backward(T, B, H, batchFirst, reverse, whh, h0, hs, cache, wy, hLastGrad, gxg, gwhh, gbhh, gh0, path);

        double Loss(double[] xgd, double[] w, double[] bb, double[]? h) =>
            Reference(T, B, H, batchFirst, reverse, xgd, w, bb, h, D(wy), D(wl)).loss;
        void CheckGrad(float[] param, float[] grad, Func<double[], double> loss, string what)
        {
            var p = D(param);
            // a spread of entries keeps the test fast
            for (int i = 0; i < p.Length; i += Math.Max(1, p.Length / 23))
            {
                double keep = p[i];
                p[i] = keep + 1e-5; double up = loss(p);
                p[i] = keep - 1e-5; double down = loss(p);
                p[i] = keep;
                double fd = (up - down) / 2e-5;
                Assert.True(Math.Abs(fd - grad[i]) < 1e-3 * (1 + Math.Abs(fd)), $"{path} {what}[{i}]: {grad[i]} vs {fd}");
            }
        }
        CheckGrad(xg, gxg, p => Loss(p, D(whh), D(bhh), h0d), "xGates");
        CheckGrad(whh, gwhh, p => Loss(D(xg), p, D(bhh), h0d), "W_hh");
        CheckGrad(bhh, gbhh, p => Loss(D(xg), D(whh), p, h0d), "b_hh");
        if (withH0) CheckGrad(h0, gh0, p => Loss(D(xg), D(whh), D(bhh), p), "h0");
    }

    /// <summary>The vector paths agree with the scalar one to rounding (their exp differs from MathF.Exp in the last
    /// bits), and the 512-bit and 256-bit paths agree exactly except where their exp polynomials may differ.</summary>
    [Theory]
    [InlineData(7, 5, 20, true, false)]
    [InlineData(4, 3, 33, false, true)]
    [InlineData(3, 2, 16, true, true)]
    public void PathsAgree(int T, int B, int H, bool batchFirst, bool reverse)
    {
        int G = 3 * H, rows = T * B;
        float[] xg = NaiveGemm.Random(rows * G, 11), whh = NaiveGemm.Random(G * H, 12), bhh = NaiveGemm.Random(G, 13);
        float[] h0 = NaiveGemm.Random(B * H, 14), gy = NaiveGemm.Random(rows * H, 15);
        (float[] hs, float[] gxg, float[] gw, float[] gb, float[] gh0) Run(SimdPath path)
        {
            var hs = new float[rows * H];
            var cache = new float[rows * GruSequence.CacheWidth * H];
            GruSequence.Forward(T, B, H, batchFirst, reverse, xg, whh, bhh, h0, hs, cache, path);
            float[] gxg = new float[rows * G], gw = new float[G * H], gb = new float[G], gh0 = new float[B * H];
            GruSequence.Backward(T, B, H, batchFirst, reverse, whh, h0, hs, cache, gy, [], gxg, gw, gb, gh0, path);
            return (hs, gxg, gw, gb, gh0);
        }
        var reference = Run(SimdPath.Scalar);
        foreach (var path in RunnablePaths().Where(p => p != SimdPath.Scalar))
        {
            var got = Run(path);
            foreach (var (name, e, g) in new[] { ("hs", reference.hs, got.hs), ("gradXGates", reference.gxg, got.gxg),
                         ("gradWHh", reference.gw, got.gw), ("gradBHh", reference.gb, got.gb), ("gradH0", reference.gh0, got.gh0) })
                for (int i = 0; i < e.Length; i++)
                    Assert.True(Math.Abs(e[i] - g[i]) <= 1e-5f * (1 + Math.Abs(e[i])), $"{path} {name}[{i}]: {g[i]} vs scalar {e[i]}");
        }
    }
}
