using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Groove.Nn.Kernels;

/// <summary>
/// Direct depthwise 2-D convolution (groups = input channels = output channels, one Kh×Kw filter per channel) on
/// NCHW spans, forward and backward. Im2col + GEMM is a poor fit here (each GEMM has one output row), so the
/// forward pass keeps 8-wide vectors of one output row in registers and streams the filter taps over them;
/// stride-1 data gradients are the forward pass of the flipped filter; weight gradients are per-tap dot products.
/// Planes (and channels for weight gradients) are spread over the cores when the work is large enough.
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
    public static unsafe void Forward(in Shape s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        Span<float> y)
    {
        Check(s, x.Length, w.Length, y.Length);
        if (!bias.IsEmpty && bias.Length < s.C) throw new ArgumentException("DepthwiseConv2d: bias shorter than channels");
        bool hasBias = !bias.IsEmpty;
        Shape sh = s;
        fixed (float* px = x, pw = w, pb = bias, py = y)
        {
            nint ix = (nint)px, iw = (nint)pw, ib = (nint)pb, iy = (nint)py;
            For(s.N * s.C, s.Macs, plane =>
            {
                int c = plane % sh.C;
                PlaneForward(sh, (float*)ix + (long)plane * sh.H * sh.W, (float*)iw + (long)c * sh.Kh * sh.Kw,
                    hasBias ? ((float*)ib)[c] : 0f, (float*)iy + (long)plane * sh.Hout * sh.Wout, flip: false);
            });
        }
    }

    /// <summary>gx = ∂L/∂x given gy (gx overwritten).</summary>
    public static unsafe void BackwardData(in Shape s, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx)
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
                For(s.N * s.C, s.Macs, plane =>
                {
                    int c = plane % t.C;
                    PlaneForward(t, (float*)igy + (long)plane * t.H * t.W, (float*)iw + (long)c * t.Kh * t.Kw, 0f,
                        (float*)igx + (long)plane * t.Hout * t.Wout, flip: true);
                });
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

    static void For(int count, long macs, Action<int> body)
    {
        if (count > 1 && macs >= ParallelThreshold && Environment.ProcessorCount > 1)
            Parallel.For(0, count, body);
        else
            for (int i = 0; i < count; i++) body(i);
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

    /// <summary>One plane of the forward pass; with <paramref name="flip"/> the filter is read reversed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void PlaneForward(in Shape s, float* x, float* w, float bias, float* y, bool flip)
    {
        int taps = s.Kh * s.Kw;
        float* wt = stackalloc float[taps];
        for (int t = 0; t < taps; t++) wt[t] = flip ? w[taps - 1 - t] : w[t];

        int sw = s.StrideW;
        // Output columns whose every horizontal tap is inside the row (only used with stride 1).
        int interiorLo = Math.Max(0, s.PadLeft);
        int interiorHi = Math.Min(s.Wout, s.W + s.PadLeft - (s.Kw - 1) * s.DilationW);
        if (sw != 1 || !Vector256.IsHardwareAccelerated) interiorHi = interiorLo;

        for (int oh = 0; oh < s.Hout; oh++)
        {
            float* yrow = y + (long)oh * s.Wout;
            int ihBase = oh * s.StrideH - s.PadTop;
            var (iLo, iHi) = ValidRange(s.Kh, s.DilationH, ihBase, s.H); // valid filter rows for this output row

            int ow = 0;
            // Vector interior: four 8-wide accumulators, then one.
            if (interiorHi > interiorLo)
            {
                for (; ow < interiorLo; ow++) yrow[ow] = ScalarOutput(s, x, wt, bias, ihBase, iLo, iHi, ow);
                Vector256<float> vb = Vector256.Create(bias);
                for (; ow + 32 <= interiorHi; ow += 32)
                {
                    Vector256<float> a0 = vb, a1 = vb, a2 = vb, a3 = vb;
                    for (int i = iLo; i < iHi; i++)
                    {
                        float* xr = x + (long)(ihBase + i * s.DilationH) * s.W + ow - s.PadLeft;
                        float* wr = wt + i * s.Kw;
                        for (int j = 0; j < s.Kw; j++)
                        {
                            Vector256<float> wv = Vector256.Create(wr[j]);
                            float* xp = xr + j * s.DilationW;
                            a0 = Vector256.FusedMultiplyAdd(wv, Vector256.Load(xp), a0);
                            a1 = Vector256.FusedMultiplyAdd(wv, Vector256.Load(xp + 8), a1);
                            a2 = Vector256.FusedMultiplyAdd(wv, Vector256.Load(xp + 16), a2);
                            a3 = Vector256.FusedMultiplyAdd(wv, Vector256.Load(xp + 24), a3);
                        }
                    }
                    a0.Store(yrow + ow); a1.Store(yrow + ow + 8); a2.Store(yrow + ow + 16); a3.Store(yrow + ow + 24);
                }
                for (; ow + 8 <= interiorHi; ow += 8)
                {
                    Vector256<float> a0 = vb;
                    for (int i = iLo; i < iHi; i++)
                    {
                        float* xr = x + (long)(ihBase + i * s.DilationH) * s.W + ow - s.PadLeft;
                        float* wr = wt + i * s.Kw;
                        for (int j = 0; j < s.Kw; j++)
                            a0 = Vector256.FusedMultiplyAdd(Vector256.Create(wr[j]), Vector256.Load(xr + j * s.DilationW), a0);
                    }
                    a0.Store(yrow + ow);
                }
            }
            for (; ow < s.Wout; ow++) yrow[ow] = ScalarOutput(s, x, wt, bias, ihBase, iLo, iHi, ow);
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
