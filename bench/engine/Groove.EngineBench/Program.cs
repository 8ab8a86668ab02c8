using System.Diagnostics;
using System.Globalization;
using Groove.Nn.Kernels;

namespace Groove.EngineBench;

/// <summary>
/// Groove side of bench/engine-vs-torch.sh. Usage: Groove.EngineBench WORKLOAD [REPS], WORKLOAD one of sgemm,
/// zerons[-fwd], zerons-small[-fwd], chromanet[-fwd], tile2vec[-fwd], tcn[-fwd], beatgru[-fwd], fewshotgru[-fwd], bigru, bigru-kernels (prints <c>result NAME BEST_MS MEDIAN_MS VECTOR_PATH</c>) or peak (prints the clock and peak-rate
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
            Console.Error.WriteLine("usage: Groove.EngineBench sgemm|zerons[-fwd]|zerons-small[-fwd]|chromanet[-fwd]|tile2vec[-fwd]|tcn[-fwd]|beatgru[-fwd]|fewshotgru[-fwd]|bigru|bigru-kernels|peak|shapes|sgemm-cpu|dwconv|conv-profile [reps]");
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
            case "zerons-fwd":
            {
                var model = new ZeroNsBranch(ZeroNsBatch());
                var x = model.Input();
                Action step = args[0] == "zerons" ? () => model.Step(x) : () => model.Infer(x);
                Report(args[0], Timed(step, reps > 0 ? reps : 1, 1));
                break;
            }
            case "chromanet":
            case "chromanet-fwd":
            {
                var model = new ChromaNetBench();
                Report(args[0], Timed(args[0] == "chromanet" ? model.Step : model.Infer, reps > 0 ? reps : 3, 1));
                break;
            }
            case "zerons-small":
            case "zerons-small-fwd":
            case "tile2vec":
            case "tile2vec-fwd":
            case "tcn":
            case "tcn-fwd":
            {
                string name = args[0].Replace("-fwd", "", StringComparison.Ordinal);
                ModelBench model = name switch
                {
                    "zerons-small" => new ZeroNsSmallBench(),
                    "tile2vec" => new Tile2VecBench(),
                    _ => new BeatTcnBench(),
                };
                Report(args[0], Timed(args[0] == name ? model.Step : model.Infer, reps > 0 ? reps : 5, 2));
                break;
            }
            case "beatgru":
            case "beatgru-fwd":
            {
                var model = new BeatGruBench();
                Report(args[0], Timed(args[0] == "beatgru" ? model.Step : model.Infer, reps > 0 ? reps : 5, 1));
                break;
            }
            case "fewshotgru":
            case "fewshotgru-fwd":
            {
                var model = new FewShotGruBench();
                Report(args[0], Timed(args[0] == "fewshotgru" ? model.Step : model.Infer, reps > 0 ? reps : 10, 2));
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
            case "shapes":
                Shapes(reps > 0 ? reps : 20);
                break;
            case "sgemm-cpu":
            {
                // SGEMM 1024³ GFLOP/s per CPU-second (one thread, then all): a load-robust quick check for tuning.
                var (a, b, c) = SgemmOperands(1024);
                double f = 2.0 * 1024 * 1024 * 1024;
                foreach (int threads in new[] { 1, Environment.ProcessorCount })
                {
                    Sgemm.Multiply(false, false, 1024, 1024, 1024, 1f, a, 1024, b, 1024, 0f, c, 1024, threads, SimdPaths.Best);
                    int runs = reps > 0 ? reps : 5;
                    var (_, cpu) = CpuPeak.Measure(() =>
                    {
                        for (int r = 0; r < runs; r++)
                            Sgemm.Multiply(false, false, 1024, 1024, 1024, 1f, a, 1024, b, 1024, 0f, c, 1024, threads, SimdPaths.Best);
                    });
                    Console.WriteLine($"sgemm-cpu threads={threads} gflops_per_cpu_second={f * runs / cpu / 1e9:F1}");
                }
                break;
            }
            case "conv-layers":
                ConvLayers(reps > 0 ? reps : 2);
                break;
            case "conv-profile":
                ConvProfile.Run(reps > 0 ? reps : 1, args.Length > 2 ? args[2] : null);
                break;
            case "smallconv-profile":
                SmallConvProfile.Run(reps > 0 ? reps : 5, args.Length > 2 ? args[2] : null);
                break;
            case "dwconv":
                DepthwiseVsIm2Col(reps > 0 ? reps : 5);
                break;
            case "peak":
                Peak(reps > 0 ? reps : 3);
                break;
            default:
                Console.Error.WriteLine($"unknown workload {args[0]}");
                return 2;
        }
        return 0;
    }

    static void Report(string name, (double best, double median, double cpu) t) =>
        Console.WriteLine($"result {name} {t.best:F3} {t.median:F3} {t.cpu:F3} {VectorPathName()}");

    /// <summary>The SIMD path the engine's kernels chose at start-up.</summary>
    static string VectorPathName() => SimdPaths.Name(SimdPaths.Best);

    /// <summary>Windows per ZeroNS step: 16 (the pretext batch) unless BENCH_ZERONS_BATCH says otherwise.</summary>
    static int ZeroNsBatch() =>
        int.TryParse(Environment.GetEnvironmentVariable("BENCH_ZERONS_BATCH"), out int b) && b > 0 ? b : 16;

    /// <summary>Best and median wall-clock ms of <paramref name="reps"/> steps, and the least process CPU ms of a
    /// step (all threads: on a shared machine this is the work done, whoever else held the cores).</summary>
    /// <summary>Least time of a warm-up: the runtime's tiered JIT (unoptimised, instrumented, then optimised code)
    /// settles only after some tens of calls of each method, so steps timed after only a couple of warm-up calls
    /// would run some hot code (the runtime's vector exp, for one) unoptimised — unlike the thousands of steps of a
    /// training loop. Warm-up therefore runs
    /// at least this long (and at least the workload's warm-up count, at most <see cref="MaxWarmupSteps"/> steps).</summary>
    const double MinWarmupSeconds = 3.0;

    const int MaxWarmupSteps = 300;

    static (double best, double median, double cpu) Timed(Action step, int reps, int warmup)
    {
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < warmup || (warm.Elapsed.TotalSeconds < MinWarmupSeconds && i < MaxWarmupSteps); i++) step();
        var times = new double[reps];
        double cpu = double.MaxValue;
        for (int i = 0; i < reps; i++)
        {
            var (wall, cpuSeconds) = CpuPeak.Measure(step);
            times[i] = wall * 1e3;
            cpu = Math.Min(cpu, cpuSeconds * 1e3);
        }
        Array.Sort(times);
        double median = reps % 2 == 1 ? times[reps / 2] : 0.5 * (times[reps / 2 - 1] + times[reps / 2]);
        return (times[0], median, cpu);
    }

    /// <summary>
    /// CPU-seconds of a depthwise 7×7 convolution (ChromaNet's first stage, [32, 16, 21, 161]) forward + backward
    /// through the direct kernel and through the engine's im2col + Sgemm kernel.
    /// </summary>
    static void DepthwiseVsIm2Col(int reps)
    {
        var g = new Groove.Nn.Conv2dGeometry(32, 16, 21, 161, 16, 7, 7, 1, 1, 1, 1, 3, 3, 21, 161, 16);
        var rng = new Random(5);
        float[] x = new float[32 * 16 * 21 * 161], w = new float[16 * 49], bias = new float[16];
        float[] y = new float[x.Length], gy = new float[x.Length], gx = new float[x.Length], gw = new float[w.Length], gb = new float[16];
        for (int i = 0; i < x.Length; i++) { x[i] = (float)rng.NextDouble(); gy[i] = (float)rng.NextDouble(); }
        for (int i = 0; i < w.Length; i++) w[i] = (float)rng.NextDouble();
        foreach (var (name, kernel) in new (string, Groove.Nn.IConv2dKernel)[]
                 { ("direct depthwise", new DepthwiseConv2dKernel()), ("im2col + sgemm", new Groove.Nn.Im2ColConv2dKernel()) })
        {
            void Step()
            {
                kernel.Forward(g, x, w, bias, y);
                kernel.BackwardData(g, gy, w, gx);
                kernel.BackwardWeight(g, x, gy, gw, gb);
            }
            Step();
            var (wall, cpu) = CpuPeak.Measure(() => { for (int r = 0; r < reps; r++) Step(); });
            Console.WriteLine($"dwconv {name,-18} cpu_ms_per_step={cpu * 1e3 / reps:F1} wall_ms_per_step={wall * 1e3 / reps:F1}");
        }
    }

    /// <summary>
    /// Profile of the ZeroNS branch's eight convolutions (one window, 96×313): forward, data gradient and weight
    /// gradient of each through the implicit-GEMM kernel and through im2col + Sgemm, as GFLOP per CPU-second (the
    /// rate of a busy core; robust to other load) and wall ms.
    /// </summary>
    static void ConvLayers(int reps)
    {
        (int cin, int cout, int h, int kh, int kw)[] layers =
            [(1, 64, 96, 3, 11), (64, 64, 96, 7, 13), (64, 128, 32, 5, 15), (128, 128, 32, 9, 17),
             (128, 256, 8, 3, 19), (256, 256, 8, 5, 21), (256, 128, 1, 1, 23), (128, 128, 1, 1, 25)];
        var rng = new Random(9);
        foreach (var (cin, cout, h, kh, kw) in layers)
        {
            var g = new Groove.Nn.Conv2dGeometry(1, cin, h, 313, cout, kh, kw, 1, 1, 1, 1, kh / 2, kw / 2, h, 313, 1);
            float[] x = new float[cin * h * 313], w = new float[cout * cin * kh * kw], y = new float[cout * h * 313];
            float[] gx = new float[x.Length], gw = new float[w.Length], gy = new float[y.Length];
            foreach (var arr in new[] { x, w, gy }) for (int i = 0; i < arr.Length; i++) arr[i] = (float)rng.NextDouble() - 0.5f;
            double flops = 2.0 * cout * cin * kh * kw * h * 313;
            foreach (var (name, kernel) in new (string, Groove.Nn.IConv2dKernel)[]
                     { ("implicit", new ImplicitGemmConv2dKernel()), ("im2col", new Groove.Nn.Im2ColConv2dKernel()) })
            {
                var parts = new (string, Action)[]
                {
                    ("fwd", () => kernel.Forward(g, x, w, default, y)),
                    ("dgrad", () => kernel.BackwardData(g, gy, w, gx)),
                    ("wgrad", () => kernel.BackwardWeight(g, x, gy, gw, default)),
                };
                var line = $"conv {cin,3}->{cout,3} {h,2}x313 k({kh},{kw}) {name,-8}";
                foreach (var (part, act) in parts)
                {
                    act();
                    var (wall, cpu) = CpuPeak.Measure(() => { for (int r = 0; r < reps; r++) act(); });
                    line += $" {part} {flops * reps / cpu / 1e9,5:F1} GF/cpu-s {wall * 1e3 / reps,7:F1} ms";
                }
                Console.WriteLine(line);
            }
        }
    }

    /// <summary>GFLOP/s of Sgemm on shapes the models produce (conv forward/backward GEMMs, GRU steps).</summary>
    static void Shapes(int reps)
    {
        (string name, bool ta, bool tb, int m, int n, int k)[] shapes =
        [
            ("conv fwd 16x30048x144", false, false, 16, 30048, 144),
            ("conv wgrad 16x144x30048", false, true, 16, 144, 30048),
            ("conv dgrad 144x30048x16", true, false, 144, 30048, 16),
            ("linear fwd 108192x64x16", false, true, 108192, 64, 16),
            ("gru step 64x60x20", false, true, 64, 60, 20),
            ("square 512", false, false, 512, 512, 512),
        ];
        foreach (var (name, ta, tb, m, n, k) in shapes)
        {
            var rng = new Random(3);
            float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
            for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble();
            for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble();
            int lda = ta ? m : k, ldb = tb ? k : n;
            var t = Timed(() => Sgemm.Multiply(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n), reps, 2);
            Console.WriteLine($"shape {name,-28} best_ms={t.best:F3} gflops={2.0 * m * n * k / t.best / 1e6:F1}");
        }
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
    /// other processes hits both alike; best of <paramref name="rounds"/> rounds each. Besides wall-clock rates it
    /// prints rates per CPU-second the process was given, which stay meaningful on a shared, busy machine.
    /// </summary>
    static void Peak(int rounds)
    {
        const int n = 1024;
        var (a, b, c) = SgemmOperands(n);
        int cores = Environment.ProcessorCount;
        double flops = 2.0 * n * n * n;
        double chainMHz = 0, fmaWall = 0, fmaCpu = 0;
        double oneWall = double.MaxValue, allWall = double.MaxValue, oneCpu = 0, allCpu = 0; // best wall, total CPU
        int runs = 0;
        // The same warm-up as every workload (see MinWarmupSeconds), so this line and the `sgemm` workload time the
        // same settled code. It did not settle the figure: on session 6's Intel VM, idle, two warmed runs gave
        // 66.5 % and 54.6 % of peak on 2 threads, and the `sgemm` workload's best step 88 % -- the shared host varies.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 2 || (warm.Elapsed.TotalSeconds < MinWarmupSeconds && i < MaxWarmupSteps); i++)
        {
            Sgemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
            Sgemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n, 1, SimdPaths.Best);
        }
        for (int r = 0; r < rounds; r++)
        {
            chainMHz = Math.Max(chainMHz, CpuPeak.DependentChainMHz());
            var (fw, fc) = CpuPeak.IndependentFmaGflops();
            fmaWall = Math.Max(fmaWall, fw);
            fmaCpu = Math.Max(fmaCpu, fc);
            for (int i = 0; i < 3; i++)
            {
                var (w1, c1) = CpuPeak.Measure(() =>
                    Sgemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n, 1, SimdPaths.Best));
                oneWall = Math.Min(oneWall, w1);
                oneCpu += c1;
                var (w2, c2) = CpuPeak.Measure(() => Sgemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n));
                allWall = Math.Min(allWall, w2);
                allCpu += c2;
                runs++;
            }
        }
        double cpuinfoMHz = CpuPeak.CpuInfoMHz();
        // Peak = cores × 2 FMA pipes × 8 lanes × 2 flops × clock. The clock is the highest estimate: /proc/cpuinfo,
        // the dependent FMA chain, and the independent-FMA rate per CPU-second / 32 (the conservative choice).
        double fmaMHz = fmaCpu / 32 * 1e3;
        double clockMHz = Math.Max(double.IsNaN(cpuinfoMHz) ? 0 : cpuinfoMHz, Math.Max(chainMHz, double.IsNaN(fmaMHz) ? 0 : fmaMHz));
        double peakCore = 2 * 8 * 2 * clockMHz / 1e3;
        var path = SimdPaths.Best;
        if (path == SimdPath.Avx512)
        {
            // The AVX-512 path's peak: the measured 512-bit FMA rate when it beats the 256-bit formula.
            double zmm = CpuPeak.IndependentFma512GflopsPerCpuSecond();
            Console.WriteLine($"avx512f: independent zmm FMAs {zmm:F1} GFLOP/s per CPU-second");
            if (zmm > peakCore) peakCore = zmm;
        }
        Console.WriteLine($"active path: {SimdPaths.Name(path)}");
        double g1 = flops / oneWall / 1e9, gAll = flops / allWall / 1e9;
        // Per CPU-second over all runs, i.e. the rate of a core while it runs this code.
        double g1Cpu = flops * runs / oneCpu / 1e9, gAllCpu = flops * runs / allCpu / 1e9;
        Console.WriteLine($"clock: cpuinfo {cpuinfoMHz:F0} MHz, dependent-FMA chain {chainMHz:F0} MHz, " +
                          $"independent FMAs {fmaCpu:F1} GFLOP/s per CPU-second ({fmaMHz:F0} MHz); using {clockMHz:F0} MHz");
        Console.WriteLine($"peak FP32 ({SimdPaths.Name(path)} path): {cores} cores x {peakCore:F1} GFLOP/s per core = {peakCore * cores:F1} GFLOP/s " +
                          $"(2 FMA x 8 lanes x 2 flops x {clockMHz / 1e3:F3} GHz{(peakCore > 32 * clockMHz / 1e3 + 0.05 ? ", or the measured zmm FMA rate" : "")})");
        Console.WriteLine($"SGEMM 1024^3, {cores} threads: {allWall * 1e3:F2} ms = {gAll:F1} GFLOP/s wall = {100 * gAll / (peakCore * cores):F1}% of peak; " +
                          $"{gAllCpu:F1} GFLOP/s per busy core = {100 * gAllCpu / peakCore:F1}% of per-core peak");
        Console.WriteLine($"SGEMM 1024^3, 1 thread: {oneWall * 1e3:F2} ms = {g1:F1} GFLOP/s wall = {100 * g1 / peakCore:F1}% of one core's peak; " +
                          $"{g1Cpu:F1} GFLOP/s per CPU-second = {100 * g1Cpu / peakCore:F1}%");
    }

}
