using System.Diagnostics;
using System.Globalization;
using Groove.Nn.Kernels;

namespace Groove.EngineBench;

static class Program
{
    static int Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        string what = args.Length > 0 ? args[0] : "all";
        if (what is "sgemm" or "all") SgemmBench(args.Length > 1 ? int.Parse(args[1]) : 1024);
        if (what is "peak" or "all") Peak();
        return 0;
    }

    static void Peak()
    {
        double mhz = CpuPeak.CpuInfoMHz();
        double chainMHz = CpuPeak.DependentChainMHz();
        double coreGflops = CpuPeak.IndependentFmaGflops();
        Console.WriteLine($"peak cpuinfo_mhz={mhz:F0} chain_mhz={chainMHz:F0} core_fma_gflops={coreGflops:F1} cores={Environment.ProcessorCount}");
    }

    static void SgemmBench(int size)
    {
        int m = size, n = size, k = size;
        var rng = new Random(1);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble() - 0.5f;
        for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble() - 0.5f;
        for (int r = 0; r < 3; r++) Sgemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
        double best = double.MaxValue;
        for (int r = 0; r < 10; r++)
        {
            var sw = Stopwatch.StartNew();
            Sgemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
            best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine($"sgemm {size} best_ms={best:F3} gflops={2.0 * m * n * k / best / 1e6:F1}");
    }
}
