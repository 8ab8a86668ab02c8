using System.Numerics.Tensors;
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
}
