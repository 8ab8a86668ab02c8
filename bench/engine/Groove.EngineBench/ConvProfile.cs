using Groove.Nn;
using Groove.Nn.Kernels;

namespace Groove.EngineBench;

/// <summary>
/// <c>conv-profile [reps] [layers]</c>: the convolutions of the bench's conv workloads one by one, each forward, data
/// gradient and weight gradient through the kernel <see cref="Functional"/> dispatches to, on one thread, as GFLOP per
/// CPU-second (the rate of a busy core, robust to other load), next to a dense SGEMM of the forward GEMM's shape.
/// <c>layers</c> is a substring filter on the printed layer name.
/// </summary>
static class ConvProfile
{
    /// <summary>ZeroNS full (one window) and the other models' typical dense convolutions.</summary>
    static IEnumerable<(string name, Conv2dGeometry g)> Layers()
    {
        (int cin, int cout, int h, int kh, int kw)[] zerons =
            [(1, 64, 96, 3, 11), (64, 64, 96, 7, 13), (64, 128, 32, 5, 15), (128, 128, 32, 9, 17),
             (128, 256, 8, 3, 19), (256, 256, 8, 5, 21), (256, 128, 1, 1, 23), (128, 128, 1, 1, 25)];
        foreach (var (cin, cout, h, kh, kw) in zerons)
            yield return ($"zerons {cin}->{cout} {h}x313 k({kh},{kw})",
                new Conv2dGeometry(1, cin, h, 313, cout, kh, kw, 1, 1, 1, 1, kh / 2, kw / 2, h, 313, 1));
    }

    public static void Run(int reps, string? filter)
    {
        var rng = new Random(9);
        var path = SimdPaths.Best;
        foreach (var (name, g) in Layers())
        {
            if (filter != null && !name.Contains(filter, StringComparison.Ordinal)) continue;
            float[] x = new float[g.N * g.Cin * g.InPlane], w = new float[g.Cout * g.PatchSize], y = new float[g.N * g.Cout * g.OutPlane];
            float[] gx = new float[x.Length], gw = new float[w.Length], gy = new float[y.Length];
            foreach (var arr in new[] { x, w, gy }) for (int i = 0; i < arr.Length; i++) arr[i] = (float)rng.NextDouble() - 0.5f;
            double flops = 2.0 * g.N * g.Cout * g.PatchSize * g.OutPlane;
            IConv2dKernel kernel = g.Groups == 1 && g.StrideH == 1 && g.StrideW == 1 && g.Kh * g.Kw > 1
                ? new ImplicitGemmConv2dKernel(path, 1) : new Im2ColConv2dKernel();
            int P = g.OutPlane, K = g.PatchSize;
            var parts = new (string, Action)[]
            {
                ("fwd", () => kernel.Forward(g, x, w, default, y)),
                ("dgrad", () => kernel.BackwardData(g, gy, w, gx)),
                ("wgrad", () => kernel.BackwardWeight(g, x, gy, gw, default)),
            };
            // Dense SGEMM of the forward GEMM's shape (on at most 2048 columns, its rate scaled to the full count).
            int pd = Math.Min(P, 2048);
            float[] bd = new float[(long)K * pd], cd = new float[g.Cout * pd];
            parts = [.. parts, ("sgemm", () => { for (int s = 0; s < P; s += pd) Sgemm.Multiply(false, false, g.Cout, pd, K, 1f, w, K, bd, pd, 0f, cd, pd, 1, path); })];
            var line = $"{name,-36}";
            foreach (var (part, act) in parts)
            {
                act();
                var (wall, cpu) = CpuPeak.Measure(() => { for (int r = 0; r < reps; r++) act(); });
                line += $" {part} {flops * reps / cpu / 1e9,5:F1}";
            }
            Console.WriteLine(line + " GF/cpu-s");
        }
    }
}
