using Groove.Nn;
using Groove.Nn.Kernels;

namespace Groove.EngineBench;

/// <summary>
/// <c>smallconv-profile [reps] [layers]</c>: every convolution of the <c>tcn</c> and <c>zerons-small</c> workloads
/// at their batch sizes, forward, data gradient and weight gradient, through <see cref="DirectConv2dKernel"/> and
/// through the packed kernel the engine would use otherwise (implicit GEMM, or im2col + SGEMM for 1×1), on all
/// threads (BENCH_THREADS=N: N; im2col's SGEMM uses all): the least process CPU ms (all threads) of each, and the largest difference between the two (relative to the output's largest
/// magnitude). <c>layers</c> is a substring filter on the printed layer name.
/// </summary>
static class SmallConvProfile
{
    static Conv2dGeometry Geo(int n, int cin, int h, int w, int cout, int kh, int kw, int dh, int dw, int pt, int pl)
    {
        int hout = h + 2 * pt - dh * (kh - 1), wout = w + 2 * pl - dw * (kw - 1);
        return new Conv2dGeometry(n, cin, h, w, cout, kh, kw, 1, 1, dh, dw, pt, pl, hout, wout, 1);
    }

    static Conv2dGeometry Strided(int n, int cin, int h, int w, int cout, int k, int s, int pad) =>
        new(n, cin, h, w, cout, k, k, s, s, 1, 1, pad, pad, (h + 2 * pad - k) / s + 1, (w + 2 * pad - k) / s + 1, 1);

    static IEnumerable<(string name, Conv2dGeometry g)> Layers()
    {
        const int tb = BeatTcnBench.Batch, zb = ZeroNsSmallBench.Batch;
        yield return ("tcn conv1 1->16 600x81 k3x3", Geo(tb, 1, 600, 81, 16, 3, 3, 1, 1, 1, 0));
        yield return ("tcn conv2 16->16 600x26 k3x3", Geo(tb, 16, 600, 26, 16, 3, 3, 1, 1, 1, 0));
        yield return ("tcn conv3 16->16 600x8 k1x8", Geo(tb, 16, 600, 8, 16, 1, 8, 1, 1, 0, 0));
        foreach (int d in new[] { 1, 8, 128 })
            yield return ($"tcn dil{d} 16->16 1x600 k1x5", Geo(tb, 16, 1, 600, 16, 1, 5, 1, d, 0, 2 * d));
        yield return ("tcn mix 16->16 1x600 1x1", Geo(tb, 16, 1, 600, 16, 1, 1, 1, 1, 0, 0));
        yield return ("zs c0 1->8 96x313 k3x5", Geo(zb, 1, 96, 313, 8, 3, 5, 1, 1, 1, 2));
        yield return ("zs c1 8->16 24x313 k3x5 d2", Geo(zb, 8, 24, 313, 16, 3, 5, 1, 2, 1, 4));
        yield return ("zs c2 16->32 8x313 k3x5 d4", Geo(zb, 16, 8, 313, 32, 3, 5, 1, 4, 1, 8));
        yield return ("zs c3 32->32 1x313 k1x5 d8", Geo(zb, 32, 1, 313, 32, 1, 5, 1, 8, 0, 16));
        yield return ("zs c5 32->32 1x313 k1x3", Geo(zb, 32, 1, 313, 32, 1, 3, 1, 1, 0, 1));
        yield return ("zs head 32->1 1x313 1x1", Geo(zb, 32, 1, 313, 1, 1, 1, 1, 1, 0, 0));
        const int t2 = Tile2VecBench.Batch;
        yield return ("t2v stem 1->8 128x500 k7 s2", Strided(t2, 1, 128, 500, 8, 7, 2, 3));
        yield return ("t2v s0 8->8 32x125 k3", Strided(t2, 8, 32, 125, 8, 3, 1, 1));
        yield return ("t2v s1 8->16 32x125 k3 s2", Strided(t2, 8, 32, 125, 16, 3, 2, 1));
        yield return ("t2v s1 down 8->16 1x1 s2", Strided(t2, 8, 32, 125, 16, 1, 2, 0));
        yield return ("t2v s1 16->16 16x63 k3", Strided(t2, 16, 16, 63, 16, 3, 1, 1));
        yield return ("t2v s2 16->32 16x63 k3 s2", Strided(t2, 16, 16, 63, 32, 3, 2, 1));
        yield return ("t2v s3 32->64 8x32 k3 s2", Strided(t2, 32, 8, 32, 64, 3, 2, 1));
        yield return ("t2v s3 64->64 4x16 k3", Strided(t2, 64, 4, 16, 64, 3, 1, 1));
    }

    public static void Run(int reps, string? filter)
    {
        var rng = new Random(9);
        int threads = int.TryParse(Environment.GetEnvironmentVariable("BENCH_THREADS"), out int t) && t > 0
            ? t : Environment.ProcessorCount;
        var direct = new DirectConv2dKernel(SimdPaths.Best, threads);
        var implicitGemm = new ImplicitGemmConv2dKernel(SimdPaths.Best, threads);
        var im2col = new Im2ColConv2dKernel();
        var phaseSplit = new PhaseSplitConv2dKernel(SimdPaths.Best, threads);
        Console.WriteLine($"path {SimdPaths.Name(SimdPaths.Best)}, {threads} thread(s); least process CPU ms of {reps}, direct / packed; max |diff| / max |value|");
        foreach (var (name, g) in Layers())
        {
            if (filter != null && !name.Contains(filter, StringComparison.Ordinal)) continue;
            IConv2dKernel packed = implicitGemm.Supports(g) ? implicitGemm : im2col;
            // Where the direct kernel does not apply, the first column times im2col against the implicit GEMM.
            IConv2dKernel first = direct.Supports(g) ? direct : phaseSplit.Supports(g) ? phaseSplit : packed == im2col ? direct : im2col;
            float[] x = Rand(rng, g.N * g.Cin * g.InPlane), w = Rand(rng, g.Cout * g.PatchSize), b = Rand(rng, g.Cout);
            float[] gy = Rand(rng, g.N * g.Cout * g.OutPlane);
            var line = $"{name,-30} {(direct.Supports(g) ? "" : first == im2col ? "(im2col/implicit) " : first == phaseSplit ? "(phase-split) " : "(unsupported) ")}";
            foreach (var part in new[] { "fwd", "dgrad", "wgrad" })
            {
                var outs = new List<float[]>();
                var times = new List<double>();
                foreach (var k in new[] { first, packed })
                {
                    float[] o = part switch { "fwd" => new float[gy.Length], "dgrad" => new float[x.Length], _ => new float[w.Length] };
                    float[] ob = new float[g.Cout];
                    Action act = part switch
                    {
                        "fwd" => () => k.Forward(g, x, w, b, o),
                        "dgrad" => () => k.BackwardData(g, gy, w, o),
                        _ => () => k.BackwardWeight(g, x, gy, o, ob),
                    };
                    if (!k.Supports(g)) { outs.Add(o); times.Add(double.NaN); continue; }
                    act();
                    double best = double.MaxValue;
                    for (int r = 0; r < reps; r++) best = Math.Min(best, CpuPeak.Measure(act).cpu * 1e3);
                    outs.Add(o);
                    times.Add(best);
                }
                float maxAbs = 1e-30f, maxDiff = 0f;
                for (int i = 0; i < outs[1].Length; i++)
                {
                    maxAbs = Math.Max(maxAbs, Math.Abs(outs[1][i]));
                    maxDiff = Math.Max(maxDiff, Math.Abs(outs[0][i] - outs[1][i]));
                }
                line += $" {part} {times[0],7:F3}/{times[1],7:F3} ({maxDiff / maxAbs:E0})";
            }
            Console.WriteLine(line);
        }
    }

    static float[] Rand(Random rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)rng.NextDouble() - 0.5f;
        return a;
    }
}
