using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.CompilerServices;

namespace Groove.Nn.Kernels;

/// <summary>
/// Max pooling of [H, W] planes over general windows (overlapping, padded or adaptive: clipped to the plane, given
/// per output row and per output column as [start, end)), e.g. ResNet's 3×3/2 stem pooling. Without an argmax
/// (inference) each output row's input rows are first reduced with whole-vector maxima into one row, then each
/// output column takes the maximum of its columns of that row; with an argmax (training) each window is scanned
/// directly and the winning index within the plane is kept. Ties keep the first element and a NaN wins and stays,
/// as in PyTorch.
/// </summary>
internal static class WindowMaxPool
{
    /// <summary>y[p, i, j] = max of x[p, r, c] over r in [rowStart[i], rowEnd[i]), c in [colStart[j], colEnd[j]);
    /// arg (empty: not wanted) gets r·W + c of the maximum. An empty window gives −∞ (arg −1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<int> arg, int planes, int h, int w,
        int[] rowStart, int[] rowEnd, int[] colStart, int[] colEnd)
    {
        int oh = rowStart.Length, ow = colStart.Length;
        if (x.Length < (long)planes * h * w || y.Length < (long)planes * oh * ow || (!arg.IsEmpty && arg.Length < y.Length))
            throw new ArgumentException("WindowMaxPool: a span is shorter than the geometry needs");
        if (!arg.IsEmpty)
        {
            WithArgmax(x, y, arg, planes, h, w, rowStart, rowEnd, colStart, colEnd);
            return;
        }
        float[] buf = System.Buffers.ArrayPool<float>.Shared.Rent(w);
        try
        {
            Span<float> rowMax = buf.AsSpan(0, w);
            for (int p = 0; p < planes; p++)
            {
                var xp = x.Slice(p * h * w, h * w);
                for (int i = 0; i < oh; i++)
                {
                    var yr = y.Slice((p * oh + i) * ow, ow);
                    int r0 = rowStart[i], r1 = rowEnd[i];
                    if (r1 <= r0) { yr.Fill(float.NegativeInfinity); continue; }
                    xp.Slice(r0 * w, w).CopyTo(rowMax);
                    for (int r = r0 + 1; r < r1; r++) TensorPrimitives.Max(rowMax, xp.Slice(r * w, w), rowMax);
                    for (int j = 0; j < ow; j++)
                    {
                        float best = float.NegativeInfinity;
                        for (int c = colStart[j]; c < colEnd[j]; c++)
                        {
                            float v = rowMax[c];
                            if (v > best || float.IsNaN(v)) { best = v; if (float.IsNaN(v)) break; }
                        }
                        yr[j] = best;
                    }
                }
            }
        }
        finally { System.Buffers.ArrayPool<float>.Shared.Return(buf); }
    }

    static void WithArgmax(ReadOnlySpan<float> x, Span<float> y, Span<int> arg, int planes, int h, int w,
        int[] rowStart, int[] rowEnd, int[] colStart, int[] colEnd)
    {
        if (Avx2.IsSupported && colStart.Length >= Vector256<float>.Count)
            WithArgmaxByRows(x, y, arg, planes, h, w, rowStart, rowEnd, colStart, colEnd);
        else
            WithArgmaxScan(x, y, arg, planes, h, w, rowStart, rowEnd, colStart, colEnd);
    }

    /// <summary>The definition: each window scanned in row-major order (the scalar path).</summary>
    static void WithArgmaxScan(ReadOnlySpan<float> x, Span<float> y, Span<int> arg, int planes, int h, int w,
        int[] rowStart, int[] rowEnd, int[] colStart, int[] colEnd)
    {
        int oh = rowStart.Length, ow = colStart.Length;
        for (int p = 0; p < planes; p++)
        {
            var xp = x.Slice(p * h * w, h * w);
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    int o = (p * oh + i) * ow + j;
                    float best = float.NegativeInfinity; int bi = -1;
                    for (int r = rowStart[i]; r < rowEnd[i]; r++)
                        for (int c = colStart[j]; c < colEnd[j]; c++)
                        {
                            float v = xp[r * w + c];
                            if (v > best || bi < 0 || float.IsNaN(v)) { best = v; bi = r * w + c; if (float.IsNaN(v)) goto done; }
                        }
                    done:
                    y[o] = best; arg[o] = bi;
                }
        }
    }

    /// <summary>
    /// The same winners in two vector stages, 8 output columns at a time (AVX2, also on the AVX-512 path): first every
    /// input row is reduced over each output column's window (a gather per window column), keeping the first maximum
    /// of the row; then each output row takes, column by column, the first of its rows whose maximum is strictly
    /// greater. The first maximum of the first row that holds the window's maximum is the first in row-major order, so
    /// ties and NaNs (the first NaN wins) resolve exactly as in the scan.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void WithArgmaxByRows(ReadOnlySpan<float> x, Span<float> y, Span<int> arg, int planes, int h, int w,
        int[] rowStart, int[] rowEnd, int[] colStart, int[] colEnd)
    {
        const int L = 8;
        int oh = rowStart.Length, ow = colStart.Length, owPad = (ow + L - 1) / L * L;
        // Per output column: first and last input column of its window (an empty or padding lane reads column 0 and
        // is overwritten at the end), and the widest window.
        int[] buf = ArrayPool<int>.Shared.Rent(2 * owPad + h * owPad);
        float[] rowMax = ArrayPool<float>.Shared.Rent(h * owPad);
        try
        {
            fixed (int* pb = buf)
            fixed (float* pr = rowMax, px = x, py = y)
            fixed (int* pa = arg)
            {
                int* first = pb, last = pb + owPad, rowArg = pb + 2 * owPad;
                int widest = 1;
                for (int j = 0; j < owPad; j++)
                {
                    bool live = j < ow && colEnd[j] > colStart[j];
                    first[j] = live ? colStart[j] : 0;
                    last[j] = live ? colEnd[j] - 1 : 0;
                    if (live) widest = Math.Max(widest, colEnd[j] - colStart[j]);
                }
                var neg = Vector256.Create(float.NegativeInfinity);
                var minusOne = Vector256.Create(-1);
                for (int p = 0; p < planes; p++)
                {
                    float* xp = px + (long)p * h * w;
                    for (int r = 0; r < h; r++)
                    {
                        float* xr = xp + (long)r * w;
                        for (int j = 0; j < owPad; j += L)
                        {
                            var c0 = Avx.LoadVector256(first + j);
                            var cLast = Avx.LoadVector256(last + j);
                            var best = Avx2.GatherVector256(xr, c0, 4);
                            var at = c0;
                            for (int k = 1; k < widest; k++)
                            {
                                var c = Avx2.Min(Avx2.Add(c0, Vector256.Create(k)), cLast);
                                var v = Avx2.GatherVector256(xr, c, 4);
                                var take = Takes(v, best);
                                best = Avx.BlendVariable(best, v, take);
                                at = Avx2.BlendVariable(at, c, take.AsInt32());
                            }
                            Avx.Store(pr + r * owPad + j, best);
                            Avx.Store(rowArg + r * owPad + j, at);
                        }
                    }
                    for (int i = 0; i < oh; i++)
                    {
                        int r0 = rowStart[i], r1 = rowEnd[i];
                        long o = ((long)p * oh + i) * ow;
                        for (int j = 0; j < ow; j += L)
                        {
                            Vector256<float> best = neg;
                            Vector256<int> at = minusOne;
                            if (r1 > r0)
                            {
                                best = Avx.LoadVector256(pr + r0 * owPad + j);
                                at = Avx2.Add(Avx.LoadVector256(rowArg + r0 * owPad + j), Vector256.Create(r0 * w));
                                for (int r = r0 + 1; r < r1; r++)
                                {
                                    var v = Avx.LoadVector256(pr + r * owPad + j);
                                    var take = Takes(v, best);
                                    best = Avx.BlendVariable(best, v, take);
                                    at = Avx2.BlendVariable(at, Avx2.Add(Avx.LoadVector256(rowArg + r * owPad + j),
                                        Vector256.Create(r * w)), take.AsInt32());
                                }
                            }
                            if (j + L <= ow)
                            {
                                Avx.Store(py + o + j, best);
                                Avx.Store(pa + o + j, at);
                            }
                            else
                                for (int t = 0; t < ow - j; t++) { py[o + j + t] = best.GetElement(t); pa[o + j + t] = at.GetElement(t); }
                        }
                        for (int j = 0; j < ow; j++)
                            if (colEnd[j] <= colStart[j]) { py[o + j] = float.NegativeInfinity; pa[o + j] = -1; }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(buf);
            ArrayPool<float>.Shared.Return(rowMax);
        }
    }

    /// <summary>Lanes where a later candidate v replaces the best so far: strictly greater, or the first NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Takes(Vector256<float> v, Vector256<float> best) =>
        Avx.Or(Avx.CompareGreaterThan(v, best), Avx.AndNot(Avx.CompareUnordered(best, best), Avx.CompareUnordered(v, v)));
}
