using System.Runtime.CompilerServices;
using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Groove.Nn.Kernels;

namespace Groove.Nn;

/// <summary>
/// Convolution as im2col + SGEMM, per sample and group: the general fallback for every geometry. A 1×1 kernel
/// with stride 1 and no padding uses the input directly as the patch matrix.
/// </summary>
internal sealed class Im2ColConv2dKernel(SimdPath path, int maxThreads) : IConv2dKernel
{
    /// <summary>The kernel on this CPU's best SIMD path and every core.</summary>
    public Im2ColConv2dKernel() : this(SimdPaths.Best, Environment.ProcessorCount) { }

    public bool Supports(in Conv2dGeometry g) => true;

    private static bool IsPointwise(in Conv2dGeometry g) =>
        g.Kh == 1 && g.Kw == 1 && g.StrideH == 1 && g.StrideW == 1 && g.PadTop == 0 && g.PadLeft == 0 && g.Hout == g.H && g.Wout == g.W;

    /// <summary>Below this many multiply-adds a forward pass runs its samples one after another (each SGEMM may
    /// still use every core); above, the samples are spread over the engine's <see cref="WorkerPool"/>, so that the
    /// im2col copies run on every core too.</summary>
    private const long SampleParallelThreshold = 1L << 21;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(in Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y)
    {
        int K = g.PatchSize, P = g.OutPlane, cog = g.CoutPerGroup, cig = g.CinPerGroup;
        bool pointwise = IsPointwise(g);
        if (!pointwise && g.N > 1 && WorkerPool.Shared.Threads > 1 && maxThreads > 1 && (long)g.N * g.Cout * P * K >= SampleParallelThreshold)
        {
            ForwardBySample(g, x, w, bias, y);
            return;
        }
        float[]? col = pointwise ? null : ArrayPool<float>.Shared.Rent(K * P);
        try
        {
            for (int n = 0; n < g.N; n++)
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    var xg = x.Slice((n * g.Cin + grp * cig) * g.InPlane, cig * g.InPlane);
                    ReadOnlySpan<float> cols = pointwise ? xg : col!.AsSpan(0, K * P);
                    if (!pointwise) Im2Col(g, xg, col!.AsSpan(0, K * P), path);
                    var yg = y.Slice((n * g.Cout + grp * cog) * P, cog * P);
                    float beta = 0f;
                    if (!bias.IsEmpty)
                    {
                        for (int o = 0; o < cog; o++) yg.Slice(o * P, P).Fill(bias[grp * cog + o]);
                        beta = 1f;
                    }
                    Sgemm.Multiply(false, false, cog, P, K, 1f, w.Slice(grp * cog * K, cog * K), K, cols, P, beta, yg, P, maxThreads, path);
                }
        }
        finally { if (col != null) ArrayPool<float>.Shared.Return(col); }
    }

    /// <summary>The forward pass with one contiguous slab of samples per thread, each thread with its own patch
    /// matrix and single-threaded SGEMMs (same arithmetic per sample as the serial loop).</summary>
    private unsafe void ForwardBySample(Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w,
        ReadOnlySpan<float> bias, Span<float> y)
    {
        int K = g.PatchSize, P = g.OutPlane, cog = g.CoutPerGroup, cig = g.CinPerGroup;
        int threads = Math.Min(g.N, Math.Min(maxThreads, WorkerPool.Shared.Threads));
        bool hasBias = !bias.IsEmpty;
        var simd = path;
        fixed (float* px = x, pw = w, pb = bias, py = y)
        {
            nint ix = (nint)px, iw = (nint)pw, ib = (nint)pb, iy = (nint)py;
            WorkerPool.Shared.For(threads, t =>
            {
                int n0 = (int)((long)g.N * t / threads), n1 = (int)((long)g.N * (t + 1) / threads);
                float[] col = ArrayPool<float>.Shared.Rent(K * P);
                try
                {
                    fixed (float* pc = col)
                        for (int n = n0; n < n1; n++)
                            for (int grp = 0; grp < g.Groups; grp++)
                            {
                                Im2Col(g, new ReadOnlySpan<float>((float*)ix + (long)(n * g.Cin + grp * cig) * g.InPlane,
                                    cig * g.InPlane), col.AsSpan(0, K * P), simd);
                                float* yg = (float*)iy + (long)(n * g.Cout + grp * cog) * P;
                                if (hasBias)
                                    for (int o = 0; o < cog; o++)
                                        new Span<float>(yg + (long)o * P, P).Fill(((float*)ib)[grp * cog + o]);
                                SgemmDriver.Run(false, false, cog, P, K, 1f, (float*)iw + (long)grp * cog * K, K, pc, P,
                                    hasBias ? 1f : 0f, yg, P, simd);
                            }
                }
                finally { ArrayPool<float>.Shared.Return(col); }
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BackwardData(in Conv2dGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx)
    {
        if (BySample(g))
        {
            BackwardDataBySample(g, gy, w, gx);
            return;
        }
        int K = g.PatchSize, P = g.OutPlane, cog = g.CoutPerGroup, cig = g.CinPerGroup;
        bool pointwise = IsPointwise(g);
        gx.Clear();
        float[]? col = pointwise ? null : ArrayPool<float>.Shared.Rent(K * P);
        try
        {
            for (int n = 0; n < g.N; n++)
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    var gyg = gy.Slice((n * g.Cout + grp * cog) * P, cog * P);
                    var gxg = gx.Slice((n * g.Cin + grp * cig) * g.InPlane, cig * g.InPlane);
                    var wg = w.Slice(grp * cog * K, cog * K);
                    if (pointwise)
                        Sgemm.Multiply(true, false, K, P, cog, 1f, wg, K, gyg, P, 0f, gxg, P, maxThreads, path);
                    else
                    {
                        var c = col!.AsSpan(0, K * P);
                        Sgemm.Multiply(true, false, K, P, cog, 1f, wg, K, gyg, P, 0f, c, P, maxThreads, path);
                        Col2ImAdd(g, c, gxg, path);
                    }
                }
        }
        finally { if (col != null) ArrayPool<float>.Shared.Return(col); }
    }

    /// <summary>Whether a backward pass spreads its samples over the cores (each sample's patch GEMM and col2im on
    /// one thread) instead of running them one after another with each GEMM on every core: for batches with enough
    /// work, where the serial col2im/im2col copies and the small GEMMs' per-call overhead would leave a core idle.</summary>
    private static bool BySample(in Conv2dGeometry g) =>
        g.N > 1 && (long)g.N * g.Cout * g.OutPlane * g.PatchSize >= SampleParallelThreshold;

    /// <summary>The data gradient one sample per work item: each item clears its sample's gradient, multiplies Wᵀ·gy
    /// into its own patch matrix (single-threaded SGEMM) and adds it back with col2im. Every sample is computed the
    /// same way whatever the number of threads.</summary>
    private unsafe void BackwardDataBySample(in Conv2dGeometry geometry, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx)
    {
        var g = geometry;
        int K = g.PatchSize, P = g.OutPlane, cog = g.CoutPerGroup, cig = g.CinPerGroup;
        bool pointwise = IsPointwise(g);
        var simd = path;
        fixed (float* pgy = gy, pw = w, pgx = gx)
        {
            nint igy = (nint)pgy, iw = (nint)pw, igx = (nint)pgx;
            WorkerPool.Shared.For(g.N, n =>
            {
                float[]? col = pointwise ? null : ArrayPool<float>.Shared.Rent(K * P);
                try
                {
                    fixed (float* pc = col)
                        for (int grp = 0; grp < g.Groups; grp++)
                        {
                            float* gyg = (float*)igy + (long)(n * g.Cout + grp * cog) * P;
                            float* gxg = (float*)igx + (long)(n * g.Cin + grp * cig) * g.InPlane;
                            float* wg = (float*)iw + (long)grp * cog * K;
                            if (pointwise)
                            {
                                SgemmDriver.Run(true, false, K, P, cog, 1f, wg, K, gyg, P, 0f, gxg, P, simd);
                                continue;
                            }
                            var gxs = new Span<float>(gxg, cig * g.InPlane);
                            gxs.Clear();
                            SgemmDriver.Run(true, false, K, P, cog, 1f, wg, K, gyg, P, 0f, pc, P, simd);
                            Col2ImAdd(g, new ReadOnlySpan<float>(pc, K * P), gxs, simd);
                        }
                }
                finally { if (col != null) ArrayPool<float>.Shared.Return(col); }
            }, maxThreads);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BackwardWeight(in Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gw, Span<float> gb)
    {
        if (BySample(g))
        {
            BackwardWeightByChunk(g, x, gy, gw, gb);
            return;
        }
        int K = g.PatchSize, P = g.OutPlane, cog = g.CoutPerGroup, cig = g.CinPerGroup;
        bool pointwise = IsPointwise(g);
        gw.Clear();
        if (!gb.IsEmpty) gb.Clear();
        float[]? col = pointwise ? null : ArrayPool<float>.Shared.Rent(K * P);
        try
        {
            for (int n = 0; n < g.N; n++)
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    var xg = x.Slice((n * g.Cin + grp * cig) * g.InPlane, cig * g.InPlane);
                    ReadOnlySpan<float> cols = pointwise ? xg : col!.AsSpan(0, K * P);
                    if (!pointwise) Im2Col(g, xg, col!.AsSpan(0, K * P), path);
                    var gyg = gy.Slice((n * g.Cout + grp * cog) * P, cog * P);
                    Sgemm.Multiply(false, true, cog, K, P, 1f, gyg, P, cols, P, 1f, gw.Slice(grp * cog * K, cog * K), K, maxThreads, path);
                    if (!gb.IsEmpty)
                        for (int o = 0; o < cog; o++) gb[grp * cog + o] += TensorPrimitives.Sum(gyg.Slice(o * P, P));
                }
        }
        finally { if (col != null) ArrayPool<float>.Shared.Return(col); }
    }

    /// <summary>Samples per chunk of <see cref="BackwardWeightByChunk"/> is ⌈N / this⌉: a fixed split (not one per
    /// thread), so that the sums, and the result, are the same on any number of cores.</summary>
    private const int WeightChunks = 4;

    /// <summary>The weight (and bias) gradient over fixed chunks of samples, one work item each: an item sums
    /// gy·colᵀ over its samples into its own partial gradient (single-threaded SGEMM, im2col on the same thread);
    /// the partials are then added in chunk order.</summary>
    private unsafe void BackwardWeightByChunk(in Conv2dGeometry geometry, ReadOnlySpan<float> x, ReadOnlySpan<float> gy,
        Span<float> gw, Span<float> gb)
    {
        var g = geometry;
        int K = g.PatchSize, P = g.OutPlane, cog = g.CoutPerGroup, cig = g.CinPerGroup;
        bool pointwise = IsPointwise(g), hasBias = !gb.IsEmpty;
        int chunks = Math.Min(g.N, WeightChunks), wSize = g.Cout * K;
        int partSize = wSize + (hasBias ? g.Cout : 0);
        var simd = path;
        float[] partials = ArrayPool<float>.Shared.Rent(chunks * partSize);
        try
        {
            fixed (float* px = x, pgy = gy, pp = partials)
            {
                nint ix = (nint)px, igy = (nint)pgy, ip = (nint)pp;
                WorkerPool.Shared.For(chunks, chunk =>
                {
                    int n0 = (int)((long)g.N * chunk / chunks), n1 = (int)((long)g.N * (chunk + 1) / chunks);
                    float* part = (float*)ip + (long)chunk * partSize;
                    new Span<float>(part, partSize).Clear();
                    float[]? col = pointwise ? null : ArrayPool<float>.Shared.Rent(K * P);
                    try
                    {
                        fixed (float* pc = col)
                            for (int n = n0; n < n1; n++)
                                for (int grp = 0; grp < g.Groups; grp++)
                                {
                                    float* xg = (float*)ix + (long)(n * g.Cin + grp * cig) * g.InPlane;
                                    float* cols = xg;
                                    if (!pointwise)
                                    {
                                        Im2Col(g, new ReadOnlySpan<float>(xg, cig * g.InPlane), new Span<float>(pc, K * P), simd);
                                        cols = pc;
                                    }
                                    float* gyg = (float*)igy + (long)(n * g.Cout + grp * cog) * P;
                                    SgemmDriver.Run(false, true, cog, K, P, 1f, gyg, P, cols, P, 1f, part + (long)grp * cog * K, K, simd);
                                    if (hasBias)
                                        for (int o = 0; o < cog; o++)
                                            part[wSize + grp * cog + o] += TensorPrimitives.Sum(new ReadOnlySpan<float>(gyg + (long)o * P, P));
                                }
                    }
                    finally { if (col != null) ArrayPool<float>.Shared.Return(col); }
                }, maxThreads);
                var sums = new ReadOnlySpan<float>(pp, partSize);
                sums.Slice(0, wSize).CopyTo(gw);
                if (hasBias) sums.Slice(wSize, g.Cout).CopyTo(gb);
                for (int chunk = 1; chunk < chunks; chunk++)
                {
                    var part = new ReadOnlySpan<float>(pp + (long)chunk * partSize, partSize);
                    TensorPrimitives.Add(gw.Slice(0, wSize), part.Slice(0, wSize), gw.Slice(0, wSize));
                    if (hasBias) TensorPrimitives.Add(gb.Slice(0, g.Cout), part.Slice(wSize, g.Cout), gb.Slice(0, g.Cout));
                }
            }
        }
        finally { ArrayPool<float>.Shared.Return(partials); }
    }

    /// <summary>Valid output range [lo, hi) along one axis for kernel offset k: 0 ≤ o·s − pad + k·d &lt; size.</summary>
    private static (int lo, int hi) ValidRange(int outSize, int stride, int pad, int offset, int size)
    {
        int start = offset - pad; // input index for o = 0
        int lo = start >= 0 ? 0 : (-start + stride - 1) / stride;
        int hi = size - start <= 0 ? 0 : (size - start + stride - 1) / stride;
        return (Math.Min(lo, outSize), Math.Clamp(hi, 0, outSize));
    }

    /// <summary>dst[ow] = src[iw0 + 2·(ow − owLo)] for whole groups of 8 outputs from owLo (AVX2: two loads, an
    /// in-lane shuffle and a cross-lane permute per 8 outputs); returns where the caller's scalar loop continues.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe int TakeEven(ReadOnlySpan<float> src, int iw0, Span<float> dst, int owLo, int owHi, SimdPath path)
    {
        if (path == SimdPath.Scalar || !System.Runtime.Intrinsics.X86.Avx2.IsSupported) return owLo;
        int ow = owLo;
        fixed (float* ps = src, pd = dst)
        {
            // Each group reads src[iw .. iw + 15]: stop while that stays inside the span.
            for (long iw = iw0; ow + 8 <= owHi && iw + 16 <= src.Length; ow += 8, iw += 16)
            {
                var a = System.Runtime.Intrinsics.X86.Avx.LoadVector256(ps + iw);
                var b = System.Runtime.Intrinsics.X86.Avx.LoadVector256(ps + iw + 8);
                var even = System.Runtime.Intrinsics.X86.Avx.Shuffle(a, b, 0b10_00_10_00); // a0 a2 b0 b2 | a4 a6 b4 b6
                var ordered = System.Runtime.Intrinsics.X86.Avx2.Permute4x64(even.AsDouble(), 0b11_01_10_00).AsSingle();
                System.Runtime.Intrinsics.X86.Avx.Store(pd + ow, ordered);
            }
        }
        return ow;
    }

    /// <summary>The adjoint of <see cref="TakeEven"/>: dst[iw0 + 2·(ow − owLo)] += src[ow] for whole groups of 8 from
    /// owLo (AVX2: each group of 8 is spread over the even lanes of two vectors, zeros in the odd lanes, with a
    /// cross-lane permute and two in-lane unpacks, and added to 16 consecutive elements); returns where the caller's
    /// scalar loop continues.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe int AddToEven(ReadOnlySpan<float> src, Span<float> dst, int iw0, int owLo, int owHi, SimdPath path)
    {
        if (path == SimdPath.Scalar || !System.Runtime.Intrinsics.X86.Avx2.IsSupported) return owLo;
        int ow = owLo;
        fixed (float* ps = src, pd = dst)
        {
            // Each group adds to dst[iw .. iw + 15] (the odd lanes add zero): stop while that stays inside the span.
            for (long iw = iw0; ow + 8 <= owHi && iw + 16 <= dst.Length; ow += 8, iw += 16)
            {
                var v = System.Runtime.Intrinsics.X86.Avx.LoadVector256(ps + ow);
                var halves = System.Runtime.Intrinsics.X86.Avx2.Permute4x64(v.AsDouble(), 0b11_01_10_00).AsSingle(); // s0 s1 s4 s5 | s2 s3 s6 s7
                var lo = System.Runtime.Intrinsics.X86.Avx.UnpackLow(halves, Vector256<float>.Zero);  // s0 0 s1 0 | s2 0 s3 0
                var hi = System.Runtime.Intrinsics.X86.Avx.UnpackHigh(halves, Vector256<float>.Zero); // s4 0 s5 0 | s6 0 s7 0
                System.Runtime.Intrinsics.X86.Avx.Store(pd + iw, System.Runtime.Intrinsics.X86.Avx.Add(System.Runtime.Intrinsics.X86.Avx.LoadVector256(pd + iw), lo));
                System.Runtime.Intrinsics.X86.Avx.Store(pd + iw + 8, System.Runtime.Intrinsics.X86.Avx.Add(System.Runtime.Intrinsics.X86.Avx.LoadVector256(pd + iw + 8), hi));
            }
        }
        return ow;
    }

    /// <summary>col[(c·Kh + i)·Kw + j, oh·Wout + ow] = x[c, oh·sh − pt + i·dh, ow·sw − pl + j·dw] (0 outside).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Im2Col(in Conv2dGeometry g, ReadOnlySpan<float> x, Span<float> col, SimdPath path)
    {
        int P = g.OutPlane;
        for (int c = 0; c < g.CinPerGroup; c++)
            for (int i = 0; i < g.Kh; i++)
            {
                var (ohLo, ohHi) = ValidRange(g.Hout, g.StrideH, g.PadTop, i * g.DilationH, g.H);
                for (int j = 0; j < g.Kw; j++)
                {
                    var row = col.Slice(((c * g.Kh + i) * g.Kw + j) * P, P);
                    var (owLo, owHi) = ValidRange(g.Wout, g.StrideW, g.PadLeft, j * g.DilationW, g.W);
                    if (ohLo > 0) row.Slice(0, ohLo * g.Wout).Clear();
                    if (ohHi < g.Hout) row.Slice(ohHi * g.Wout).Clear();
                    for (int oh = ohLo; oh < ohHi; oh++)
                    {
                        int ih = oh * g.StrideH - g.PadTop + i * g.DilationH;
                        var dst = row.Slice(oh * g.Wout, g.Wout);
                        var src = x.Slice((c * g.H + ih) * g.W);
                        if (owLo > 0) dst.Slice(0, owLo).Clear();
                        if (owHi < g.Wout) dst.Slice(Math.Max(owHi, owLo)).Clear();
                        int iw0 = owLo * g.StrideW - g.PadLeft + j * g.DilationW;
                        if (g.StrideW == 1)
                        {
                            if (owHi > owLo) src.Slice(iw0, owHi - owLo).CopyTo(dst.Slice(owLo, owHi - owLo));
                        }
                        else
                        {
                            int ow = owLo, iw = iw0;
                            if (g.StrideW == 2) ow = TakeEven(src, iw0, dst, owLo, owHi, path);
                            for (iw = iw0 + (ow - owLo) * g.StrideW; ow < owHi; ow++, iw += g.StrideW) dst[ow] = src[iw];
                        }
                    }
                }
            }
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: accumulates patch gradients into the input gradient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Col2ImAdd(in Conv2dGeometry g, ReadOnlySpan<float> col, Span<float> gx, SimdPath path)
    {
        int P = g.OutPlane;
        for (int c = 0; c < g.CinPerGroup; c++)
            for (int i = 0; i < g.Kh; i++)
            {
                var (ohLo, ohHi) = ValidRange(g.Hout, g.StrideH, g.PadTop, i * g.DilationH, g.H);
                for (int j = 0; j < g.Kw; j++)
                {
                    var row = col.Slice(((c * g.Kh + i) * g.Kw + j) * P, P);
                    var (owLo, owHi) = ValidRange(g.Wout, g.StrideW, g.PadLeft, j * g.DilationW, g.W);
                    if (owHi <= owLo) continue;
                    for (int oh = ohLo; oh < ohHi; oh++)
                    {
                        int ih = oh * g.StrideH - g.PadTop + i * g.DilationH;
                        var src = row.Slice(oh * g.Wout, g.Wout);
                        var dst = gx.Slice((c * g.H + ih) * g.W);
                        int iw0 = owLo * g.StrideW - g.PadLeft + j * g.DilationW;
                        if (g.StrideW == 1)
                        {
                            var d = dst.Slice(iw0, owHi - owLo);
                            TensorPrimitives.Add(d, src.Slice(owLo, owHi - owLo), d);
                        }
                        else
                        {
                            int ow = g.StrideW == 2 ? AddToEven(src, dst, iw0, owLo, owHi, path) : owLo;
                            for (int iw = iw0 + (ow - owLo) * g.StrideW; ow < owHi; ow++, iw += g.StrideW) dst[iw] += src[ow];
                        }
                    }
                }
            }
    }
}
