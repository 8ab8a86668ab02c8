using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Groove.Nn.Kernels;

/// <summary>
/// <see cref="IConv2dKernel"/> for dense (groups = 1) stride-1 convolutions with a kernel larger than 1×1, as
/// implicit GEMMs over <see cref="ConvImageRows"/> (no im2col buffer):
/// forward y = W · col(x); data gradient gx = W' · col'(gy), the stride-1 transposed convolution written as a forward
/// one (W' = W with Cin and Cout swapped and the taps flipped, padding dilation·(k−1) − pad); weight gradient
/// gWᵀ = col(x) · gyᵀ. Work is spread over the cores by samples (or, for one sample, by pixel or tap slabs), each
/// thread running the single-threaded SGEMM driver on the path chosen at start-up.
/// </summary>
internal sealed class ImplicitGemmConv2dKernel(SimdPath path, int maxThreads) : IConv2dKernel
{
    /// <summary>The kernel on the start-up SIMD path, using every core.</summary>
    public ImplicitGemmConv2dKernel() : this(SimdPaths.Best, Environment.ProcessorCount) { }

    /// <summary>Below this many multiply-adds per call the work stays on the calling thread.</summary>
    const long ParallelThreshold = 1L << 21;

    public bool Supports(in Conv2dGeometry g) =>
        g.Groups == 1 && g.StrideH == 1 && g.StrideW == 1 && g.Kh * g.Kw > 1;

    int ThreadsFor(long macs) => macs < ParallelThreshold ? 1 : Math.Max(1, maxThreads);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void Forward(in Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        Span<float> y)
    {
        int P = g.OutPlane;
        if (!bias.IsEmpty)
            for (int n = 0; n < g.N; n++)
                for (int o = 0; o < g.Cout; o++) y.Slice((n * g.Cout + o) * P, P).Fill(bias[o]);
        fixed (float* px = x) fixed (float* pw = w) fixed (float* py = y)
            ConvolveStride1(g, px, pw, py, bias.IsEmpty ? 0f : 1f);
    }

    /// <summary>The data gradient as a transposed convolution has Cin output rows; below this many (a convolution
    /// of the input spectrogram) the GEMM's row tiles would be mostly padding, so im2col's col2im runs instead.</summary>
    const int MinRowsForTransposed = 16;

    static readonly Im2ColConv2dKernel Fallback = new();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void BackwardData(in Conv2dGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx)
    {
        if (g.Cin < MinRowsForTransposed)
        {
            Fallback.BackwardData(g, gy, w, gx);
            return;
        }
        // gx[c, h, w] = Σ_{o,i,j} W[o, c, i, j] · gy[o, h + pt − i·dh, w + pl − j·dw]: a stride-1 convolution of gy
        // with W'[c, o, i', j'] = W[o, c, Kh−1−i', Kw−1−j'] and padding dh·(Kh−1) − pt, dw·(Kw−1) − pl.
        var gt = new Conv2dGeometry(g.N, g.Cout, g.Hout, g.Wout, g.Cin, g.Kh, g.Kw, 1, 1, g.DilationH, g.DilationW,
            g.DilationH * (g.Kh - 1) - g.PadTop, g.DilationW * (g.Kw - 1) - g.PadLeft, g.H, g.W, 1);
        int taps = g.Kh * g.Kw;
        float[] flipped = ArrayPool<float>.Shared.Rent(w.Length);
        try
        {
            for (int o = 0; o < g.Cout; o++)
                for (int c = 0; c < g.Cin; c++)
                {
                    var src = w.Slice((o * g.Cin + c) * taps, taps);
                    var dst = flipped.AsSpan((c * g.Cout + o) * taps, taps);
                    for (int t = 0; t < taps; t++) dst[taps - 1 - t] = src[t];
                }
            fixed (float* pgy = gy) fixed (float* pw = flipped) fixed (float* pgx = gx)
                ConvolveStride1(gt, pgy, pw, pgx, 0f);
        }
        finally { ArrayPool<float>.Shared.Return(flipped); }
    }

    /// <summary>y[n] = W · col(x[n]) + beta·y[n] for every sample, spread over threads by samples, or by pixel slabs
    /// when there are fewer samples than threads.</summary>
    unsafe void ConvolveStride1(in Conv2dGeometry g, float* x, float* w, float* y, float beta)
    {
        int P = g.OutPlane, K = g.PatchSize, cout = g.Cout;
        int threads = ThreadsFor((long)g.N * P * K * cout);
        int slabs = threads > g.N ? (threads + g.N - 1) / g.N : 1;
        int unit = Sgemm.TileCols(path), units = (P + unit - 1) / unit;
        slabs = Math.Min(slabs, units);
        int items = g.N * slabs;
        var geo = g;
        var p = path;
        nint ix = (nint)x, iw = (nint)w, iy = (nint)y;
        bool padded = PaddedImageColumns.Applies(g, unit);
        void Item(int item)
        {
            int n = item / slabs, s = item - n * slabs;
            int q0 = (int)((long)units * s / slabs) * unit, q1 = Math.Min(P, (int)((long)units * (s + 1) / slabs) * unit);
            if (q0 >= q1) return;
            float* xn = (float*)ix + (long)n * geo.Cin * geo.InPlane;
            var a = new DenseA(false, (float*)iw, K, 1f);
            float* yn = (float*)iy + (long)n * cout * P + q0;
            if (!padded)
            {
                var b = new ConvImageRows(xn, geo.H, geo.W, geo.Kh, geo.Kw, geo.DilationH, geo.DilationW, geo.PadTop,
                    geo.PadLeft, geo.Wout, q0);
                SgemmDriver.Run(a, b, cout, q1 - q0, K, beta, yn, P, p);
                return;
            }
            float[] buffer = ArrayPool<float>.Shared.Rent((int)PaddedImageColumns.BufferLength(geo));
            try
            {
                fixed (float* pb = buffer)
                    SgemmDriver.Run(a, PaddedImageColumns.Fill(geo, xn, pb, q0), cout, q1 - q0, K, beta, yn, P, p);
            }
            finally { ArrayPool<float>.Shared.Return(buffer); }
        }
        Run(items, threads, Item);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void BackwardWeight(in Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gw,
        Span<float> gb)
    {
        int P = g.OutPlane, K = g.PatchSize, cout = g.Cout;
        if (!gb.IsEmpty)
        {
            gb.Clear();
            for (int n = 0; n < g.N; n++)
                for (int o = 0; o < cout; o++) gb[o] += TensorPrimitives.Sum(gy.Slice((n * cout + o) * P, P));
        }
        // gWᵀ[K × Cout] = Σ_n col(x[n]) · gy[n]ᵀ. With several samples each thread sums its own samples into its own
        // partial gWᵀ; with one sample the taps (rows of gWᵀ) are split into slabs.
        int threads = ThreadsFor((long)g.N * P * K * cout);
        bool bySample = g.N >= threads;
        int parts = bySample ? threads : 1;
        int slabs = bySample ? 1 : threads;
        int unit = Sgemm.TileRows(path), units = (K + unit - 1) / unit;
        slabs = Math.Min(slabs, units);
        float[] partial = ArrayPool<float>.Shared.Rent(parts * K * cout);
        try
        {
            var geo = g;
            var p = path;
            fixed (float* px = x) fixed (float* pgy = gy) fixed (float* pp = partial)
            {
                nint ix = (nint)px, igy = (nint)pgy, ipp = (nint)pp;
                void Item(int item)
                {
                    int s = bySample ? 0 : item, part = bySample ? item : 0;
                    int k0 = (int)((long)units * s / slabs) * unit, k1 = Math.Min(K, (int)((long)units * (s + 1) / slabs) * unit);
                    if (k0 >= k1) return;
                    float* c = (float*)ipp + (long)part * K * cout + (long)k0 * cout;
                    bool first = true;
                    for (int n = bySample ? part : 0; n < geo.N; n += bySample ? parts : 1)
                    {
                        float* xn = (float*)ix + (long)n * geo.Cin * geo.InPlane;
                        var rows = new ConvImageRows(xn, geo.H, geo.W, geo.Kh, geo.Kw, geo.DilationH, geo.DilationW,
                            geo.PadTop, geo.PadLeft, geo.Wout, 0);
                        var a = new TapSlab(rows, k0);
                        var b = new DenseB(true, (float*)igy + (long)n * cout * P, P);
                        SgemmDriver.Run(a, b, k1 - k0, cout, P, first ? 0f : 1f, c, cout, p);
                        first = false;
                    }
                    if (first) new Span<float>(c, (k1 - k0) * cout).Clear();
                }
                Run(bySample ? parts : slabs, threads, Item);
            }
            // gw[o, k] = Σ_parts gWᵀ[k, o].
            for (int o = 0; o < cout; o++)
            {
                var row = gw.Slice(o * K, K);
                for (int k = 0; k < K; k++)
                {
                    float s = 0;
                    for (int part = 0; part < parts; part++) s += partial[((long)part * K + k) * cout + o];
                    row[k] = s;
                }
            }
        }
        finally { ArrayPool<float>.Shared.Return(partial); }
    }

    /// <summary>Rows k0.. of an implicit im2col matrix (a thread's slab of taps).</summary>
    readonly unsafe struct TapSlab(ConvImageRows rows, int k0) : ISgemmPackA
    {
        public void Pack<TK>(int ic, int pc, int mc, int kc, float* dst) where TK : struct, ISgemmTile =>
            rows.PackRows<TK>(k0 + ic, pc, mc, kc, dst);
    }

    /// <summary>Runs the items on up to <paramref name="threads"/> threads of the engine's <see cref="WorkerPool"/>.</summary>
    static void Run(int items, int threads, Action<int> item)
    {
        if (threads <= 1 || items <= 1)
        {
            for (int i = 0; i < items; i++) item(i);
            return;
        }
        WorkerPool.Shared.For(items, item, threads);
    }
}
