using System.Diagnostics;
using System.Globalization;
using Groove.Nn.Kernels;

namespace Groove.EngineBench;

/// <summary>
/// Groove side of bench/engine-vs-torch.sh. Usage: Groove.EngineBench WORKLOAD [REPS], WORKLOAD one of sgemm,
/// zerons, bigru, bigru-kernels, chromanet (prints <c>result NAME BEST_MS MEDIAN_MS</c>) or peak (prints the clock and peak-rate
/// estimates and SGEMM GFLOP/s on one core and on all cores).
/// </summary>
static class Program
{
    static int Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: Groove.EngineBench sgemm|zerons|bigru|bigru-kernels|chromanet|peak [reps]");
            return 2;
        }
        int reps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
        switch (args[0])
        {
            case "sgemm":
            {
                var (a, b, c) = SgemmOperands(1024);
                Report("sgemm", Timed(() => Sgemm.Multiply(false, false, 1024, 1024, 1024, 1f, a, 1024, b, 1024, 0f, c, 1024), reps > 0 ? reps : 10, 3));
                break;
            }
            case "zerons":
            {
                var model = new ZeroNsBranch();
                var x = model.Input();
                Report("zerons", Timed(() => model.Step(x), reps > 0 ? reps : 3, 1));
                break;
            }
            case "bigru":
            {
                var model = new GruModuleBench();
                Report("bigru", Timed(model.Step, reps > 0 ? reps : 2, 1));
                break;
            }
            case "bigru-kernels":
            {
                var model = new BiGruStack();
                Report("bigru-kernels", Timed(model.Step, reps > 0 ? reps : 2, 1));
                break;
            }
            case "chromanet":
            {
                var model = new ChromaNet();
                var x = model.Input();
                Report("chromanet", Timed(() => model.Step(x), reps > 0 ? reps : 2, 1));
                break;
            }
            case "peak":
                Peak(reps > 0 ? reps : 3);
                break;
            default:
                Console.Error.WriteLine($"unknown workload {args[0]}");
                return 2;
        }
        return 0;
    }

    static void Report(string name, (double best, double median) t) =>
        Console.WriteLine($"result {name} {t.best:F3} {t.median:F3}");

    static (double best, double median) Timed(Action step, int reps, int warmup)
    {
        for (int i = 0; i < warmup; i++) step();
        var times = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            var sw = Stopwatch.StartNew();
            step();
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        double median = reps % 2 == 1 ? times[reps / 2] : 0.5 * (times[reps / 2 - 1] + times[reps / 2]);
        return (times[0], median);
    }

    static (float[] a, float[] b, float[] c) SgemmOperands(int size)
    {
        var rng = new Random(1);
        float[] a = new float[size * size], b = new float[size * size], c = new float[size * size];
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble() - 0.5f;
        for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble() - 0.5f;
        return (a, b, c);
    }

    /// <summary>
    /// Clock and peak estimates next to SGEMM 1024³ on one core and on all cores, interleaved so that load from
    /// other processes hits both alike; best of <paramref name="rounds"/> rounds each.
    /// </summary>
    static void Peak(int rounds)
    {
        const int n = 1024;
        var (a, b, c) = SgemmOperands(n);
        int cores = Environment.ProcessorCount;
        double flops = 2.0 * n * n * n;
        double chainMHz = 0, coreGflops = 0, oneCore = double.MaxValue, allCores = double.MaxValue;
        Sgemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
        for (int r = 0; r < rounds; r++)
        {
            chainMHz = Math.Max(chainMHz, CpuPeak.DependentChainMHz());
            coreGflops = Math.Max(coreGflops, CpuPeak.IndependentFmaGflops());
            for (int i = 0; i < 3; i++)
            {
                var sw = Stopwatch.StartNew();
                Sgemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n, 1, SgemmMicroKernel.IsAccelerated);
                oneCore = Math.Min(oneCore, sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                Sgemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
                allCores = Math.Min(allCores, sw.Elapsed.TotalMilliseconds);
            }
        }
        double cpuinfoMHz = CpuPeak.CpuInfoMHz();
        // Peak = cores × 2 FMA pipes × 8 lanes × 2 flops × clock; the clock is the higher of /proc/cpuinfo and the
        // dependent-chain estimate (the conservative choice for "% of peak").
        double clockMHz = double.IsNaN(cpuinfoMHz) ? chainMHz : Math.Max(cpuinfoMHz, chainMHz);
        double peakCore = 2 * 8 * 2 * clockMHz / 1e3;
        double g1 = flops / oneCore / 1e6, gAll = flops / allCores / 1e6;
        Console.WriteLine($"peak cpuinfo_mhz={cpuinfoMHz:F0} chain_mhz={chainMHz:F0} clock_used_mhz={clockMHz:F0} " +
                          $"peak_gflops_per_core={peakCore:F1} peak_gflops={peakCore * cores:F1} cores={cores} " +
                          $"measured_fma_gflops_per_core={coreGflops:F1}");
        Console.WriteLine($"sgemm1024 one_core_ms={oneCore:F2} one_core_gflops={g1:F1} one_core_pct_peak={100 * g1 / peakCore:F1} " +
                          $"one_core_pct_of_measured_fma_rate={100 * g1 / coreGflops:F1} " +
                          $"all_cores_ms={allCores:F2} all_cores_gflops={gAll:F1} all_cores_pct_peak={100 * gAll / (peakCore * cores):F1}");
    }
}
