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
internal sealed class Im2ColConv2dKernel : IConv2dKernel
{
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
        if (!pointwise && g.N > 1 && WorkerPool.Shared.Threads > 1 && (long)g.N * g.Cout * P * K >= SampleParallelThreshold)
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
                    if (!pointwise) Im2Col(g, xg, col!.AsSpan(0, K * P));
                    var yg = y.Slice((n * g.Cout + grp * cog) * P, cog * P);
                    float beta = 0f;
                    if (!bias.IsEmpty)
                    {
                        for (int o = 0; o < cog; o++) yg.Slice(o * P, P).Fill(bias[grp * cog + o]);
                        beta = 1f;
                    }
                    Sgemm.Multiply(false, false, cog, P, K, 1f, w.Slice(grp * cog * K, cog * K), K, cols, P, beta, yg, P);
                }
        }
        finally { if (col != null) ArrayPool<float>.Shared.Return(col); }
    }

    /// <summary>The forward pass with one contiguous slab of samples per thread, each thread with its own patch
    /// matrix and single-threaded SGEMMs (same arithmetic per sample as the serial loop).</summary>
    private static unsafe void ForwardBySample(Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w,
        ReadOnlySpan<float> bias, Span<float> y)
    {
        int K = g.PatchSize, P = g.OutPlane, cog = g.CoutPerGroup, cig = g.CinPerGroup;
        int threads = Math.Min(g.N, WorkerPool.Shared.Threads);
        bool hasBias = !bias.IsEmpty;
        var path = SimdPaths.Best;
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
                                    cig * g.InPlane), col.AsSpan(0, K * P));
                                float* yg = (float*)iy + (long)(n * g.Cout + grp * cog) * P;
                                if (hasBias)
                                    for (int o = 0; o < cog; o++)
                                        new Span<float>(yg + (long)o * P, P).Fill(((float*)ib)[grp * cog + o]);
                                SgemmDriver.Run(false, false, cog, P, K, 1f, (float*)iw + (long)grp * cog * K, K, pc, P,
                                    hasBias ? 1f : 0f, yg, P, path);
                            }
                }
                finally { ArrayPool<float>.Shared.Return(col); }
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BackwardData(in Conv2dGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx)
    {
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
                        Sgemm.Multiply(true, false, K, P, cog, 1f, wg, K, gyg, P, 0f, gxg, P);
                    else
                    {
                        var c = col!.AsSpan(0, K * P);
                        Sgemm.Multiply(true, false, K, P, cog, 1f, wg, K, gyg, P, 0f, c, P);
                        Col2ImAdd(g, c, gxg);
                    }
                }
        }
        finally { if (col != null) ArrayPool<float>.Shared.Return(col); }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BackwardWeight(in Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gw, Span<float> gb)
    {
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
                    if (!pointwise) Im2Col(g, xg, col!.AsSpan(0, K * P));
                    var gyg = gy.Slice((n * g.Cout + grp * cog) * P, cog * P);
                    Sgemm.Multiply(false, true, cog, K, P, 1f, gyg, P, cols, P, 1f, gw.Slice(grp * cog * K, cog * K), K);
                    if (!gb.IsEmpty)
                        for (int o = 0; o < cog; o++) gb[grp * cog + o] += TensorPrimitives.Sum(gyg.Slice(o * P, P));
                }
        }
        finally { if (col != null) ArrayPool<float>.Shared.Return(col); }
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
    private static unsafe int TakeEven(ReadOnlySpan<float> src, int iw0, Span<float> dst, int owLo, int owHi)
    {
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported) return owLo;
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

    /// <summary>col[(c·Kh + i)·Kw + j, oh·Wout + ow] = x[c, oh·sh − pt + i·dh, ow·sw − pl + j·dw] (0 outside).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Im2Col(in Conv2dGeometry g, ReadOnlySpan<float> x, Span<float> col)
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
                            if (g.StrideW == 2) ow = TakeEven(src, iw0, dst, owLo, owHi);
                            for (iw = iw0 + (ow - owLo) * g.StrideW; ow < owHi; ow++, iw += g.StrideW) dst[ow] = src[iw];
                        }
                    }
                }
            }
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: accumulates patch gradients into the input gradient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Col2ImAdd(in Conv2dGeometry g, ReadOnlySpan<float> col, Span<float> gx)
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
                            for (int ow = owLo, iw = iw0; ow < owHi; ow++, iw += g.StrideW) dst[iw] += src[ow];
                    }
                }
            }
    }
}
