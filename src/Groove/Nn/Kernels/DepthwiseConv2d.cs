using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Groove.Nn.Kernels;

/// <summary>
/// Direct depthwise 2-D convolution (groups = input channels = output channels, one Kh×Kw filter per channel) on
/// NCHW spans, forward and backward. Im2col + GEMM is a poor fit here (each GEMM has one output row), so the
/// stride-1 forward pass copies each plane into a zero-padded scratch plane (so that every output column, edges
/// included, takes the vector loop), keeps vectors of one output row in registers (16 lanes on the AVX-512 path,
/// 8 on AVX2, chosen by <see cref="SimdPaths.Best"/>) and streams the filter taps over them;
/// stride-1 data gradients are the forward pass of the flipped filter; weight gradients are per-tap dot products.
/// Planes (and channels for weight gradients) are spread over the cores (the engine's <see cref="WorkerPool"/>)
/// when the work is large enough.
/// </summary>
/// <remarks>Zero padding may be asymmetric: <c>padTop</c>/<c>padLeft</c> are given, bottom/right follow from
/// hout/wout. Outputs are overwritten, not accumulated.</remarks>
internal static class DepthwiseConv2d
{
    /// <summary>Below this many multiply-adds a call stays on the calling thread.</summary>
    const long ParallelThreshold = 1L << 18;

    /// <summary>Geometry of one depthwise convolution (NCHW input [n, c, h, w], weights [c, 1, kh, kw]).</summary>
    internal readonly record struct Shape(int N, int C, int H, int W, int Kh, int Kw, int StrideH, int StrideW,
        int DilationH, int DilationW, int PadTop, int PadLeft, int Hout, int Wout)
    {
        public long Macs => (long)N * C * Hout * Wout * Kh * Kw;
    }

    /// <summary>y[n,c] = bias[c] + Σ w[c,i,j] · x[n, c, oh·sh − pt + i·dh, ow·sw − pl + j·dw] (bias empty = none).</summary>
    public static void Forward(in Shape s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        Span<float> y) => Forward(s, x, w, bias, y, SimdPaths.Best);

    /// <summary>As <see cref="Forward(in Shape, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    /// on the given vector path (tests force each one).</summary>
    internal static unsafe void Forward(in Shape s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        Span<float> y, SimdPath path)
    {
        Check(s, x.Length, w.Length, y.Length);
        if (!bias.IsEmpty && bias.Length < s.C) throw new ArgumentException("DepthwiseConv2d: bias shorter than channels");
        bool hasBias = !bias.IsEmpty;
        Shape sh = s;
        fixed (float* px = x, pw = w, pb = bias, py = y)
        {
            nint ix = (nint)px, iw = (nint)pw, ib = (nint)pb, iy = (nint)py;
            Planes(sh, (float*)ix, (float*)iw, hasBias ? (float*)ib : null, (float*)iy, flip: false, path);
        }
    }

    /// <summary>The forward pass over all planes (x [N·C planes of H×W] → y [N·C planes of Hout×Wout]).</summary>
    static unsafe void Planes(Shape sh, float* x, float* w, float* bias, float* y, bool flip, SimdPath path)
    {
        nint ix = (nint)x, iw = (nint)w, ib = (nint)bias, iy = (nint)y;
        bool padded = sh.StrideH == 1 && sh.StrideW == 1 && path != SimdPath.Scalar;
        SlabFor(sh.N * sh.C, sh.Macs, (p0, p1) =>
        {
            float[]? scratch = padded ? ArrayPool<float>.Shared.Rent(PaddedLength(sh, path)) : null;
            try
            {
                for (int plane = p0; plane < p1; plane++)
                {
                    int c = plane % sh.C;
                    float* xp = (float*)ix + (long)plane * sh.H * sh.W, wp = (float*)iw + (long)c * sh.Kh * sh.Kw;
                    float* yp = (float*)iy + (long)plane * sh.Hout * sh.Wout;
                    float b = ib != 0 ? ((float*)ib)[c] : 0f;
                    if (scratch is null) PlaneForward(sh, xp, wp, b, yp, flip);
                    else if (path == SimdPath.Avx512 && sh.Wout > 8) PaddedPlane<Lanes512, Vector512<float>>(sh, xp, wp, b, yp, flip, scratch);
                    else PaddedPlane<Lanes256, Vector256<float>>(sh, xp, wp, b, yp, flip, scratch);
                }
            }
            finally { if (scratch is not null) ArrayPool<float>.Shared.Return(scratch); }
        });
    }

    /// <summary>Row width of the padded scratch plane: output columns rounded up to whole vectors of
    /// <paramref name="lanes"/>, plus the filter's reach.</summary>
    static int PaddedWidth(in Shape s, int lanes) => (s.Wout + lanes - 1) / lanes * lanes + (s.Kw - 1) * s.DilationW;

    /// <summary>Floats of scratch one plane needs on <paramref name="path"/>: the padded input plane and one output row.</summary>
    static int PaddedLength(in Shape s, SimdPath path)
    {
        int lanes = path == SimdPath.Avx512 ? 16 : 8;
        int wp = Math.Max(PaddedWidth(s, lanes), PaddedWidth(s, 8));
        return (s.Hout + (s.Kh - 1) * s.DilationH) * wp + wp;
    }

    /// <summary>
    /// One stride-1 plane through a zero-padded copy: row r of the copy is input row r − padTop, column q is input
    /// column q − padLeft, so output (oh, ow) reads copy rows oh + i·dh and columns ow + j·dw with no bounds checks,
    /// and all output columns (rounded up to whole vectors, the excess discarded) take the vector loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void PaddedPlane<TL, TV>(in Shape s, float* x, float* w, float bias, float* y, bool flip, float[] scratch)
        where TL : IVectorLanes<TV> where TV : struct
    {
        int L = TL.Count, kh = s.Kh, kw = s.Kw, dh = s.DilationH, dw = s.DilationW, taps = kh * kw;
        int wout = s.Wout, woutR = (wout + L - 1) / L * L, wp = PaddedWidth(s, L), hp = s.Hout + (kh - 1) * dh;
        float* wt = stackalloc float[taps];
        for (int t = 0; t < taps; t++) wt[t] = flip ? w[taps - 1 - t] : w[t];
        fixed (float* buf = scratch)
        {
            float* pad = buf, row = buf + (long)hp * wp;
            // Copy the plane in: columns [c0, c1) of the copy hold input columns [c0 − padLeft, c1 − padLeft).
            int c0 = Math.Clamp(s.PadLeft, 0, wp), c1 = Math.Clamp(s.PadLeft + s.W, c0, wp);
            for (int r = 0; r < hp; r++)
            {
                float* dst = pad + (long)r * wp;
                int ih = r - s.PadTop;
                if (ih < 0 || ih >= s.H || c1 == c0) { new Span<float>(dst, wp).Clear(); continue; }
                if (c0 > 0) new Span<float>(dst, c0).Clear();
                new ReadOnlySpan<float>(x + (long)ih * s.W + (c0 - s.PadLeft), c1 - c0).CopyTo(new Span<float>(dst + c0, c1 - c0));
                if (c1 < wp) new Span<float>(dst + c1, wp - c1).Clear();
            }
            TV vb = TL.Splat(bias);
            for (int oh = 0; oh < s.Hout; oh++)
            {
                float* top = pad + (long)oh * wp;
                int ow = 0;
                for (; ow + 4 * L <= woutR; ow += 4 * L)
                {
                    TV a0 = vb, a1 = vb, a2 = vb, a3 = vb;
                    for (int i = 0; i < kh; i++)
                    {
                        float* xr = top + (long)i * dh * wp + ow;
                        float* wr = wt + i * kw;
                        for (int j = 0; j < kw; j++)
                        {
                            TV wv = TL.Splat(wr[j]);
                            float* xp = xr + j * dw;
                            a0 = TL.Fma(wv, TL.Load(xp), a0);
                            a1 = TL.Fma(wv, TL.Load(xp + L), a1);
                            a2 = TL.Fma(wv, TL.Load(xp + 2 * L), a2);
                            a3 = TL.Fma(wv, TL.Load(xp + 3 * L), a3);
                        }
                    }
                    TL.Store(a0, row + ow); TL.Store(a1, row + ow + L); TL.Store(a2, row + ow + 2 * L); TL.Store(a3, row + ow + 3 * L);
                }
                for (; ow + 2 * L <= woutR; ow += 2 * L)
                {
                    TV a0 = vb, a1 = vb;
                    for (int i = 0; i < kh; i++)
                    {
                        float* xr = top + (long)i * dh * wp + ow;
                        float* wr = wt + i * kw;
                        for (int j = 0; j < kw; j++)
                        {
                            TV wv = TL.Splat(wr[j]);
                            a0 = TL.Fma(wv, TL.Load(xr + j * dw), a0);
                            a1 = TL.Fma(wv, TL.Load(xr + j * dw + L), a1);
                        }
                    }
                    TL.Store(a0, row + ow); TL.Store(a1, row + ow + L);
                }
                for (; ow < woutR; ow += L)
                {
                    TV a0 = vb;
                    for (int i = 0; i < kh; i++)
                    {
                        float* xr = top + (long)i * dh * wp + ow;
                        float* wr = wt + i * kw;
                        for (int j = 0; j < kw; j++) a0 = TL.Fma(TL.Splat(wr[j]), TL.Load(xr + j * dw), a0);
                    }
                    TL.Store(a0, row + ow);
                }
                new ReadOnlySpan<float>(row, wout).CopyTo(new Span<float>(y + (long)oh * wout, wout));
            }
        }
    }

    /// <summary>gx = ∂L/∂x given gy (gx overwritten).</summary>
    public static void BackwardData(in Shape s, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx)
    {
        BackwardData(s, gy, w, gx, SimdPaths.Best);
    }

    /// <summary>As the public overload on the given vector path (tests force each one).</summary>
    internal static unsafe void BackwardData(in Shape s, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx, SimdPath path)
    {
        Check(s, gx.Length, w.Length, gy.Length);
        Shape sh = s;
        fixed (float* pgy = gy, pw = w, pgx = gx)
        {
            nint igy = (nint)pgy, iw = (nint)pw, igx = (nint)pgx;
            if (s.StrideH == 1 && s.StrideW == 1)
            {
                // With stride 1, gx is gy convolved with the flipped filter, padded so that gx has x's size.
                var t = new Shape(s.N, s.C, s.Hout, s.Wout, s.Kh, s.Kw, 1, 1, s.DilationH, s.DilationW,
                    (s.Kh - 1) * s.DilationH - s.PadTop, (s.Kw - 1) * s.DilationW - s.PadLeft, s.H, s.W);
                Planes(t, pgy, pw, null, pgx, flip: true, path);
                return;
            }
            For(s.N * s.C, s.Macs, plane =>
            {
                int c = plane % sh.C;
                PlaneBackwardDataStrided(sh, (float*)igy + (long)plane * sh.Hout * sh.Wout,
                    (float*)iw + (long)c * sh.Kh * sh.Kw, (float*)igx + (long)plane * sh.H * sh.W);
            });
        }
    }

    /// <summary>gw = ∂L/∂w and (when gb is not empty) gb = ∂L/∂bias, given x and gy; both overwritten.</summary>
    public static unsafe void BackwardWeight(in Shape s, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gw,
        Span<float> gb)
    {
        Check(s, x.Length, gw.Length, gy.Length);
        if (!gb.IsEmpty && gb.Length < s.C) throw new ArgumentException("DepthwiseConv2d: bias gradient shorter than channels");
        bool hasBias = !gb.IsEmpty;
        Shape sh = s;
        fixed (float* px = x, pgy = gy, pgw = gw, pgb = gb)
        {
            nint ix = (nint)px, igy = (nint)pgy, igw = (nint)pgw, igb = (nint)pgb;
            For(s.C, s.Macs, c =>
            {
                int taps = sh.Kh * sh.Kw;
                float* gwc = (float*)igw + (long)c * taps;
                new Span<float>(gwc, taps).Clear();
                double biasSum = 0;
                for (int n = 0; n < sh.N; n++)
                {
                    long plane = (long)n * sh.C + c;
                    float* gyp = (float*)igy + plane * sh.Hout * sh.Wout;
                    PlaneWeightGradAdd(sh, (float*)ix + plane * sh.H * sh.W, gyp, gwc);
                    if (hasBias) biasSum += TensorPrimitives.Sum(new ReadOnlySpan<float>(gyp, sh.Hout * sh.Wout));
                }
                if (hasBias) ((float*)igb)[c] = (float)biasSum;
            });
        }
    }

    static void Check(in Shape s, int xLength, int wLength, int yLength)
    {
        if (s.N < 0 || s.C <= 0 || s.H <= 0 || s.W <= 0 || s.Kh <= 0 || s.Kw <= 0 || s.StrideH <= 0 || s.StrideW <= 0
            || s.DilationH <= 0 || s.DilationW <= 0 || s.Hout < 0 || s.Wout < 0)
            throw new ArgumentException($"DepthwiseConv2d: invalid geometry {s}");
        if (xLength < (long)s.N * s.C * s.H * s.W || wLength < s.C * s.Kh * s.Kw || yLength < (long)s.N * s.C * s.Hout * s.Wout)
            throw new ArgumentException("DepthwiseConv2d: a span is shorter than the geometry needs");
    }

    /// <summary>body(i) for every item, on the engine's <see cref="WorkerPool"/> when the work is large.</summary>
    static void For(int count, long macs, Action<int> body)
    {
        if (count > 1 && macs >= ParallelThreshold) WorkerPool.Shared.For(count, body);
        else for (int i = 0; i < count; i++) body(i);
    }

    /// <summary>slab(start, end) over one contiguous slab of items per thread of the engine's
    /// <see cref="WorkerPool"/> when the work is large, else slab(0, count) here.</summary>
    static void SlabFor(int count, long macs, Action<int, int> slab)
    {
        int threads = Math.Min(count, WorkerPool.Shared.Threads);
        if (threads < 2 || macs < ParallelThreshold) { slab(0, count); return; }
        WorkerPool.Shared.For(threads, t => slab((int)((long)count * t / threads), (int)((long)count * (t + 1) / threads)));
    }

    /// <summary>Outputs o in [lo, hi) for which the input index o·stride + offset lies in [0, size).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (int lo, int hi) ValidRange(int outSize, int stride, int offset, int size)
    {
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int hi = size - offset <= 0 ? 0 : (size - offset + stride - 1) / stride;
        lo = Math.Min(lo, outSize);
        return (lo, Math.Clamp(hi, lo, outSize));
    }

    /// <summary>One plane of the forward pass in scalar code (strided convolutions and the scalar path); with
    /// <paramref name="flip"/> the filter is read reversed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void PlaneForward(in Shape s, float* x, float* w, float bias, float* y, bool flip)
    {
        int taps = s.Kh * s.Kw;
        float* wt = stackalloc float[taps];
        for (int t = 0; t < taps; t++) wt[t] = flip ? w[taps - 1 - t] : w[t];
        for (int oh = 0; oh < s.Hout; oh++)
        {
            float* yrow = y + (long)oh * s.Wout;
            int ihBase = oh * s.StrideH - s.PadTop;
            var (iLo, iHi) = ValidRange(s.Kh, s.DilationH, ihBase, s.H); // valid filter rows for this output row
            for (int ow = 0; ow < s.Wout; ow++) yrow[ow] = ScalarOutput(s, x, wt, bias, ihBase, iLo, iHi, ow);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe float ScalarOutput(in Shape s, float* x, float* wt, float bias, int ihBase, int iLo, int iHi, int ow)
    {
        int iwBase = ow * s.StrideW - s.PadLeft;
        var (jLo, jHi) = ValidRange(s.Kw, s.DilationW, iwBase, s.W);
        float acc = bias;
        for (int i = iLo; i < iHi; i++)
        {
            float* xr = x + (long)(ihBase + i * s.DilationH) * s.W + iwBase;
            float* wr = wt + i * s.Kw;
            for (int j = jLo; j < jHi; j++) acc += wr[j] * xr[j * s.DilationW];
        }
        return acc;
    }

    /// <summary>Scatter form of the data gradient for strides above 1.</summary>
    static unsafe void PlaneBackwardDataStrided(in Shape s, float* gy, float* w, float* gx)
    {
        new Span<float>(gx, s.H * s.W).Clear();
        for (int oh = 0; oh < s.Hout; oh++)
        {
            int ihBase = oh * s.StrideH - s.PadTop;
            var (iLo, iHi) = ValidRange(s.Kh, s.DilationH, ihBase, s.H);
            for (int ow = 0; ow < s.Wout; ow++)
            {
                float g = gy[(long)oh * s.Wout + ow];
                if (g == 0) continue;
                int iwBase = ow * s.StrideW - s.PadLeft;
                var (jLo, jHi) = ValidRange(s.Kw, s.DilationW, iwBase, s.W);
                for (int i = iLo; i < iHi; i++)
                {
                    float* gr = gx + (long)(ihBase + i * s.DilationH) * s.W + iwBase;
                    for (int j = jLo; j < jHi; j++) gr[j * s.DilationW] += g * w[i * s.Kw + j];
                }
            }
        }
    }

    /// <summary>gw[i,j] += Σ_{oh,ow} gy[oh,ow] · x[oh·sh − pt + i·dh, ow·sw − pl + j·dw] for one plane.</summary>
    static unsafe void PlaneWeightGradAdd(in Shape s, float* x, float* gy, float* gw)
    {
        for (int i = 0; i < s.Kh; i++)
        {
            var (ohLo, ohHi) = ValidRange(s.Hout, s.StrideH, i * s.DilationH - s.PadTop, s.H);
            for (int j = 0; j < s.Kw; j++)
            {
                var (owLo, owHi) = ValidRange(s.Wout, s.StrideW, j * s.DilationW - s.PadLeft, s.W);
                int len = owHi - owLo;
                if (len <= 0) continue;
                float acc = 0;
                for (int oh = ohLo; oh < ohHi; oh++)
                {
                    float* gr = gy + (long)oh * s.Wout + owLo;
                    float* xr = x + (long)(oh * s.StrideH - s.PadTop + i * s.DilationH) * s.W
                                + owLo * s.StrideW - s.PadLeft + j * s.DilationW;
                    if (s.StrideW == 1)
                        acc += TensorPrimitives.Dot(new ReadOnlySpan<float>(gr, len), new ReadOnlySpan<float>(xr, len));
                    else
                        for (int t = 0; t < len; t++) acc += gr[t] * xr[t * s.StrideW];
                }
                gw[i * s.Kw + j] += acc;
            }
        }
    }
}
