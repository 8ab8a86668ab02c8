using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Groove.EngineBench;

/// <summary>
/// Estimates this CPU's clock and peak FP32 rate: /proc/cpuinfo "cpu MHz", a latency-bound chain of dependent FMAs
/// (clock ≈ FMAs/s × FMA latency, 4 cycles on Zen 2/3 and Skylake) and a throughput-bound set of independent FMAs
/// (the rate the two FMA pipes really sustain on one core).
/// </summary>
static class CpuPeak
{
    public const int FmaLatencyCycles = 4;

    public static double CpuInfoMHz()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("cpu MHz", StringComparison.Ordinal))
                    return double.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        return double.NaN;
    }

    /// <summary>Clock in MHz from a dependent FMA chain (best of several runs).</summary>
    public static double DependentChainMHz()
    {
        if (!Fma.IsSupported) return double.NaN;
        const long iters = 50_000_000;
        ChainLoop(1000);
        double best = double.MaxValue;
        for (int r = 0; r < 5; r++)
        {
            var sw = Stopwatch.StartNew();
            ChainLoop(iters);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        // Each iteration is 4 dependent FMAs.
        return 4.0 * iters * FmaLatencyCycles / best / 1e6;
    }

    /// <summary>One core's sustained FP32 GFLOP/s with 12 independent FMA chains (best of several runs).</summary>
    public static double IndependentFmaGflops()
    {
        if (!Fma.IsSupported) return double.NaN;
        const long iters = 20_000_000;
        ThroughputLoop(1000);
        double best = double.MaxValue;
        for (int r = 0; r < 5; r++)
        {
            var sw = Stopwatch.StartNew();
            ThroughputLoop(iters);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return 12.0 * 8 * 2 * iters / best / 1e9;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static float ChainLoop(long iters)
    {
        Vector128<float> x = Vector128.Create(1f), y = Vector128.Create(0.999999f), z = Vector128.Create(1e-7f);
        for (long i = 0; i < iters; i++)
        {
            x = Fma.MultiplyAdd(x, y, z); x = Fma.MultiplyAdd(x, y, z);
            x = Fma.MultiplyAdd(x, y, z); x = Fma.MultiplyAdd(x, y, z);
        }
        return x.ToScalar();
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static float ThroughputLoop(long iters)
    {
        Vector256<float> y = Vector256.Create(0.999999f), z = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector256<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iters; i++)
        {
            a0 = Fma.MultiplyAdd(a0, y, z); a1 = Fma.MultiplyAdd(a1, y, z); a2 = Fma.MultiplyAdd(a2, y, z);
            a3 = Fma.MultiplyAdd(a3, y, z); a4 = Fma.MultiplyAdd(a4, y, z); a5 = Fma.MultiplyAdd(a5, y, z);
            a6 = Fma.MultiplyAdd(a6, y, z); a7 = Fma.MultiplyAdd(a7, y, z); a8 = Fma.MultiplyAdd(a8, y, z);
            a9 = Fma.MultiplyAdd(a9, y, z); a10 = Fma.MultiplyAdd(a10, y, z); a11 = Fma.MultiplyAdd(a11, y, z);
        }
        Vector256<float> s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return s.ToScalar();
    }
}
