using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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

    /// <summary>
    /// One core's sustained FP32 GFLOP/s with 12 independent FMA chains (best of several runs), per second of wall
    /// time (best run) and per second of CPU time this process got (all runs; it does not shrink when other
    /// processes share the core).
    /// </summary>
    public static (double wall, double cpu) IndependentFmaGflops()
    {
        if (!Fma.IsSupported) return (double.NaN, double.NaN);
        const long iters = 20_000_000;
        ThroughputLoop(1000);
        double bestWall = double.MaxValue, totalCpu = 0;
        const int runs = 5;
        for (int r = 0; r < runs; r++)
        {
            var (wall, cpu) = Measure(() => ThroughputLoop(iters));
            bestWall = Math.Min(bestWall, wall);
            totalCpu += cpu;
        }
        double flops = 12.0 * 8 * 2 * iters;
        return (flops / bestWall / 1e9, flops * runs / totalCpu / 1e9);
    }

    /// <summary>
    /// One core's sustained FP32 GFLOP/s per CPU-second with 12 independent chains of 512-bit FMAs, or NaN without
    /// AVX-512F. On CPUs with two 512-bit FMA pipes this is twice the 256-bit rate; where 512-bit operations are
    /// split into two 256-bit halves (Zen 4) it is about the same, so the peak of the AVX-512 path is measured, not
    /// assumed.
    /// </summary>
    public static double IndependentFma512GflopsPerCpuSecond()
    {
        if (!Avx512F.IsSupported) return double.NaN;
        const long iters = 10_000_000;
        Throughput512Loop(1000);
        double totalCpu = 0;
        const int runs = 5;
        for (int r = 0; r < runs; r++) totalCpu += Measure(() => Throughput512Loop(iters)).cpu;
        return 12.0 * 16 * 2 * iters * runs / totalCpu / 1e9;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static float Throughput512Loop(long iters)
    {
        Vector512<float> y = Vector512.Create(0.999999f), z = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector512<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iters; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, y, z); a1 = Vector512.FusedMultiplyAdd(a1, y, z);
            a2 = Vector512.FusedMultiplyAdd(a2, y, z); a3 = Vector512.FusedMultiplyAdd(a3, y, z);
            a4 = Vector512.FusedMultiplyAdd(a4, y, z); a5 = Vector512.FusedMultiplyAdd(a5, y, z);
            a6 = Vector512.FusedMultiplyAdd(a6, y, z); a7 = Vector512.FusedMultiplyAdd(a7, y, z);
            a8 = Vector512.FusedMultiplyAdd(a8, y, z); a9 = Vector512.FusedMultiplyAdd(a9, y, z);
            a10 = Vector512.FusedMultiplyAdd(a10, y, z); a11 = Vector512.FusedMultiplyAdd(a11, y, z);
        }
        Vector512<float> s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return s.ToScalar();
    }

    /// <summary>Wall seconds and this process's CPU seconds (all threads, nanosecond scheduler accounting via
    /// clock_gettime(CLOCK_PROCESS_CPUTIME_ID)) spent in <paramref name="work"/>.</summary>
    public static (double wall, double cpu) Measure(Action work)
    {
        double cpu0 = ProcessCpuSeconds();
        var sw = Stopwatch.StartNew();
        work();
        double wall = sw.Elapsed.TotalSeconds;
        return (wall, ProcessCpuSeconds() - cpu0);
    }

    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec { public long Seconds; public long Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGetTime(int clock, out TimeSpec time);

    const int ClockProcessCpuTimeId = 2;

    static double ProcessCpuSeconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockProcessCpuTimeId, out var ts) == 0)
            return ts.Seconds + ts.Nanoseconds * 1e-9;
        return Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
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
    internal static float ThroughputLoop(long iters)
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
