using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Groove.Nn.Kernels;

/// <summary>
/// The im2col matrix of one image as an SGEMM operand that is never materialised ("implicit GEMM"): row
/// k = (c·Kh + i)·Kw + j and column q = oh·Wout + ow hold x[c, oh − pt + i·dh, ow − pl + j·dw] (zero outside the
/// image), stride 1. As B (a convolution's forward pass) it packs NR consecutive output pixels per kernel tap straight
/// from the image rows; as A (the weight gradient, col · gyᵀ) it gathers MR taps over a run of pixels. Either way
/// the patch matrix exists only as cache-resident packed panels, so a (9,17) convolution over 128 channels does not
/// write and re-read a 19584 × P buffer (Chellapilla, Puri &amp; Simard, "High performance convolutional neural
/// networks for document processing", 2006, for im2col; the implicit variant packs from the image instead).
/// </summary>
internal readonly unsafe struct ConvImageRows : ISgemmPackA, ISgemmPackB
{
    readonly float* _x;
    readonly int _h, _w, _kh, _kw, _dh, _dw, _pt, _pl, _wout, _col0;

    /// <param name="x">The image [C, H, W] (one sample, one group).</param>
    /// <param name="h">Image height.</param>
    /// <param name="w">Image width.</param>
    /// <param name="kh">Kernel height.</param>
    /// <param name="kw">Kernel width.</param>
    /// <param name="dh">Dilation along the height.</param>
    /// <param name="dw">Dilation along the width.</param>
    /// <param name="pt">Top padding (may be negative: rows cut off).</param>
    /// <param name="pl">Left padding (may be negative).</param>
    /// <param name="wout">Output width (columns are q = oh·wout + ow).</param>
    /// <param name="col0">Column of the operand's first column within the full matrix (a thread's slab).</param>
    public ConvImageRows(float* x, int h, int w, int kh, int kw, int dh, int dw, int pt, int pl, int wout, int col0)
    {
        _x = x; _h = h; _w = w; _kh = kh; _kw = kw; _dh = dh; _dw = dw; _pt = pt; _pl = pl; _wout = wout; _col0 = col0;
    }

    /// <summary>Packs rows pc..pc+kc (taps) × columns jc..jc+nc (pixels) as NR-column micro-panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PackColumns<TK>(int pc, int jc, int kc, int nc, float* dst) where TK : struct, ISgemmTile
    {
        int NR = TK.NR;
        int* oh = stackalloc int[NR];
        int* ow = stackalloc int[NR];
        for (int j0 = 0; j0 < nc; j0 += NR, dst += NR * kc)
        {
            int nr = Math.Min(NR, nc - j0);
            int q0 = _col0 + jc + j0;
            int oh0 = q0 / _wout, ow0 = q0 - oh0 * _wout;
            bool oneRow = ow0 + nr <= _wout;
            if (!oneRow)
                for (int e = 0; e < nr; e++) { int q = q0 + e; oh[e] = q / _wout; ow[e] = q - oh[e] * _wout; }
            int c = pc / (_kh * _kw), rem = pc - c * _kh * _kw, i = rem / _kw, j = rem - i * _kw;
            for (int p = 0; p < kc; p++)
            {
                float* d = dst + p * NR;
                float* plane = _x + (long)c * _h * _w;
                int dy = i * _dh - _pt, dx = j * _dw - _pl;
                if (oneRow)
                {
                    int ih = oh0 + dy;
                    if ((uint)ih >= (uint)_h) Zero(d, NR);
                    else
                    {
                        float* src = plane + (long)ih * _w;
                        int iw0 = ow0 + dx;
                        if (nr == NR && iw0 >= 0 && iw0 + NR <= _w) Copy(src + iw0, d, NR);
                        else
                            for (int e = 0; e < NR; e++)
                            {
                                int iw = iw0 + e;
                                d[e] = e < nr && (uint)iw < (uint)_w ? src[iw] : 0f;
                            }
                    }
                }
                else
                    for (int e = 0; e < NR; e++)
                    {
                        int ih = e < nr ? oh[e] + dy : -1, iw = e < nr ? ow[e] + dx : -1;
                        d[e] = (uint)ih < (uint)_h && (uint)iw < (uint)_w ? plane[(long)ih * _w + iw] : 0f;
                    }
                if (++j == _kw) { j = 0; if (++i == _kh) { i = 0; c++; } }
            }
        }
    }

    /// <summary>Packs rows ic..ic+mc (taps) × depth pc..pc+kc (pixels) as MR-row micro-panels: each tap's run of
    /// pixels is first gathered (contiguous copies along image rows) into an L1-resident scratch, then interleaved by
    /// the dense packer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PackRows<TK>(int ic, int pc, int mc, int kc, float* dst) where TK : struct, ISgemmTile
    {
        int MR = TK.MR;
        float[] scratchArray = System.Buffers.ArrayPool<float>.Shared.Rent(MR * kc + 8);
        try
        {
            fixed (float* scratch = scratchArray)
                for (int i0 = 0; i0 < mc; i0 += MR, dst += MR * kc)
                {
                    int mr = Math.Min(MR, mc - i0);
                    for (int r = 0; r < mr; r++) GatherTap(ic + i0 + r, pc, kc, scratch + r * kc);
                    SgemmPacking.PackA<TK>(false, scratch, kc, 0, 0, mr, kc, 1f, dst);
                }
        }
        finally { System.Buffers.ArrayPool<float>.Shared.Return(scratchArray); }
    }

    void ISgemmPackB.Pack<TK>(int pc, int jc, int kc, int nc, float* dst) => PackColumns<TK>(pc, jc, kc, nc, dst);

    void ISgemmPackA.Pack<TK>(int ic, int pc, int mc, int kc, float* dst) => PackRows<TK>(ic, pc, mc, kc, dst);

    /// <summary>row[0..kc) = col[tap, q0..q0+kc).</summary>
    void GatherTap(int tap, int q0, int kc, float* row)
    {
        int c = tap / (_kh * _kw), rem = tap - c * _kh * _kw, i = rem / _kw, j = rem - i * _kw;
        float* plane = _x + (long)c * _h * _w;
        int dy = i * _dh - _pt, dx = j * _dw - _pl;
        int q = _col0 + q0, end = q + kc;
        while (q < end)
        {
            int oh = q / _wout, ow = q - oh * _wout;
            int len = Math.Min(_wout - ow, end - q);
            int ih = oh + dy;
            if ((uint)ih >= (uint)_h) Zero(row, len);
            else
            {
                // Output columns ow..ow+len read input columns ow+dx..; the part inside [0, W) is copied.
                float* src = plane + (long)ih * _w;
                int lo = Math.Clamp(-dx - ow, 0, len), hi = Math.Clamp(_w - dx - ow, lo, len);
                Zero(row, lo);
                if (hi > lo) new ReadOnlySpan<float>(src + ow + dx + lo, hi - lo).CopyTo(new Span<float>(row + lo, hi - lo));
                Zero(row + hi, len - hi);
            }
            row += len;
            q += len;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Zero(float* d, int n) => new Span<float>(d, n).Clear();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Copy(float* src, float* d, int n)
    {
        if (Vector256.IsHardwareAccelerated)
            for (int e = 0; e < n; e += 8) Vector256.Store(Vector256.Load(src + e), d + e);
        else
            for (int e = 0; e < n; e++) d[e] = src[e];
    }
}
