using System.Runtime.CompilerServices;
namespace Groove.Nn;

public static partial class Functional
{
    /// <summary>Max pooling over [N, C, H, W] (padding counts as −∞).</summary>
    public static Tensor MaxPool2d(Tensor x, (int h, int w) kernel, (int h, int w)? stride = null, (int h, int w) padding = default, bool ceilMode = false)
    {
        var s = stride ?? kernel;
        return Pool2d(x, Windows(x.Dim(2), kernel.h, s.h, padding.h, ceilMode), Windows(x.Dim(3), kernel.w, s.w, padding.w, ceilMode), max: true, countIncludePad: false);
    }

    /// <summary>Average pooling over [N, C, H, W] (PyTorch semantics for padding and count_include_pad).</summary>
    public static Tensor AvgPool2d(Tensor x, (int h, int w) kernel, (int h, int w)? stride = null, (int h, int w) padding = default, bool ceilMode = false, bool countIncludePad = true)
    {
        var s = stride ?? kernel;
        return Pool2d(x, Windows(x.Dim(2), kernel.h, s.h, padding.h, ceilMode), Windows(x.Dim(3), kernel.w, s.w, padding.w, ceilMode), max: false, countIncludePad);
    }

    /// <summary>Adaptive average pooling to a fixed output size (window i spans ⌊i·In/Out⌋ … ⌈(i+1)·In/Out⌉).</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor x, (int h, int w) output) =>
        Pool2d(x, AdaptiveWindows(x.Dim(2), output.h), AdaptiveWindows(x.Dim(3), output.w), max: false, countIncludePad: false);

    public static Tensor AdaptiveMaxPool2d(Tensor x, (int h, int w) output) =>
        Pool2d(x, AdaptiveWindows(x.Dim(2), output.h), AdaptiveWindows(x.Dim(3), output.w), max: true, countIncludePad: false);

    public static Tensor MaxPool1d(Tensor x, int kernel, int? stride = null, int padding = 0, bool ceilMode = false) =>
        MaxPool2d(x.Unsqueeze(2), (1, kernel), (1, stride ?? kernel), (0, padding), ceilMode).Squeeze(2);

    public static Tensor AvgPool1d(Tensor x, int kernel, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true) =>
        AvgPool2d(x.Unsqueeze(2), (1, kernel), (1, stride ?? kernel), (0, padding), ceilMode, countIncludePad).Squeeze(2);

    public static Tensor AdaptiveAvgPool1d(Tensor x, int output) => AdaptiveAvgPool2d(x.Unsqueeze(2), (1, output)).Squeeze(2);

    public static Tensor AdaptiveMaxPool1d(Tensor x, int output) => AdaptiveMaxPool2d(x.Unsqueeze(2), (1, output)).Squeeze(2);

    /// <summary>Per output index: clipped window [Start, End) and the padded size used as the average's divisor.</summary>
    private readonly record struct PoolWindows(int[] Start, int[] End, int[] PaddedSize);

    private static PoolWindows Windows(int size, int k, int s, int pad, bool ceil)
    {
        if (k < 1 || s < 1 || pad < 0 || pad > k / 2) throw new ArgumentException($"Pool: invalid kernel {k}, stride {s}, padding {pad}.");
        int span = size + 2 * pad - k;
        if (span < 0) throw new ArgumentException($"Pool: input size {size} is smaller than the kernel {k}.");
        int outSize = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (outSize - 1) * s >= size + pad) outSize--; // last window must start inside the input or left padding
        var st = new int[outSize]; var en = new int[outSize]; var ps = new int[outSize];
        for (int o = 0; o < outSize; o++)
        {
            int a = o * s - pad, b = Math.Min(a + k, size + pad);
            ps[o] = b - a;
            st[o] = Math.Max(a, 0); en[o] = Math.Min(b, size);
        }
        return new PoolWindows(st, en, ps);
    }

    private static PoolWindows AdaptiveWindows(int size, int outSize)
    {
        if (outSize < 1) throw new ArgumentException("Adaptive pool output size must be ≥ 1.");
        var st = new int[outSize]; var en = new int[outSize]; var ps = new int[outSize];
        for (int o = 0; o < outSize; o++)
        {
            st[o] = (int)((long)o * size / outSize);
            en[o] = (int)(((long)(o + 1) * size + outSize - 1) / outSize);
            ps[o] = en[o] - st[o];
        }
        return new PoolWindows(st, en, ps);
    }

    /// <summary>Windows [i·k, i·k + k) for i &lt; ⌊size/k⌋: non-overlapping groups of k, no padding.</summary>
    private static bool IsRowGroups(PoolWindows w, int size)
    {
        int k = w.End[0] - w.Start[0];
        if (k < 1 || w.Start.Length != size / k) return false;
        for (int i = 0; i < w.Start.Length; i++)
            if (w.Start[i] != i * k || w.End[i] != i * k + k || w.PaddedSize[i] != k) return false;
        return true;
    }

    /// <summary>Windows [j, j + 1): the axis is not pooled.</summary>
    private static bool IsIdentity(PoolWindows w, int size)
    {
        if (w.Start.Length != size) return false;
        for (int j = 0; j < size; j++)
            if (w.Start[j] != j || w.End[j] != j + 1) return false;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Tensor Pool2d(Tensor x, PoolWindows wh, PoolWindows ww, bool max, bool countIncludePad)
    {
        if (x.Rank != 4) throw new ArgumentException($"2-D pooling expects [N, C, H, W], got {ShapeUtil.Str(x.Shape)}.");
        int planes = x.Dim(0) * x.Dim(1), H = x.Dim(2), W = x.Dim(3);
        int oh = wh.Start.Length, ow = ww.Start.Length;
        var xc = x.DataContiguous();
        var y = Tensor.NewUninitialized([x.Dim(0), x.Dim(1), oh, ow]); // every branch below writes every output
        var xs = xc.RawSpan; var ys = y.RawSpan;
        int[]? arg = max ? new int[y.Size] : null;
        int inPlane = H * W, outPlane = oh * ow;
        if (max && IsRowGroups(wh, H) && IsIdentity(ww, W))
        {
            int k = wh.End[0];
            Kernels.ParallelSlabs.For(planes, (long)planes * inPlane, (p0, p1) => Kernels.RowMaxPool.Forward(
                xc.RawSpan.Slice(p0 * inPlane, (p1 - p0) * inPlane), y.RawSpan.Slice(p0 * outPlane, (p1 - p0) * outPlane),
                arg!.AsSpan(p0 * outPlane, (p1 - p0) * outPlane), p1 - p0, H, W, k));
        }
        else if (max && IsIdentity(wh, H) && IsRowGroups(ww, W))
        {
            int k = ww.End[0];
            Kernels.ParallelSlabs.For(planes, (long)planes * inPlane, (p0, p1) => Kernels.ColumnMaxPool.Forward(
                xc.RawSpan.Slice(p0 * inPlane, (p1 - p0) * inPlane), y.RawSpan.Slice(p0 * outPlane, (p1 - p0) * outPlane),
                arg!.AsSpan(p0 * outPlane, (p1 - p0) * outPlane), p1 - p0, H, W, k));
        }
        else if (max)
        {
            // Inference needs no argmax: the kernel then reduces whole rows with vector maxima.
            bool keepArg = Autograd.ShouldRecord(x);
            Kernels.ParallelSlabs.For(planes, (long)planes * inPlane, (p0, p1) => Kernels.WindowMaxPool.Forward(
                xc.RawSpan.Slice(p0 * inPlane, (p1 - p0) * inPlane), y.RawSpan.Slice(p0 * outPlane, (p1 - p0) * outPlane),
                keepArg ? arg!.AsSpan(p0 * outPlane, (p1 - p0) * outPlane) : default, p1 - p0, H, W,
                wh.Start, wh.End, ww.Start, ww.End));
        }
        else
        for (int p = 0; p < planes; p++)
        {
            var xp = xs.Slice(p * H * W, H * W);
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    int o = (p * oh + i) * ow + j;
                    {
                        float sum = 0;
                        for (int r = wh.Start[i]; r < wh.End[i]; r++)
                            for (int c = ww.Start[j]; c < ww.End[j]; c++) sum += xp[r * W + c];
                        int div = countIncludePad ? wh.PaddedSize[i] * ww.PaddedSize[j] : (wh.End[i] - wh.Start[i]) * (ww.End[j] - ww.Start[j]);
                        ys[o] = sum / Math.Max(div, 1);
                    }
                }
        }
        if (Autograd.ShouldRecord(x))
            Autograd.Record(y, new[] { x }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                var gc = g.DataContiguous();
                var gs = gc.RawSpan;
                var gx = Tensor.NewLike(x.ShapeArray);
                var gxs = gx.RawSpan;
                if (max)
                {
                    Kernels.ParallelSlabs.For(planes, (long)planes * inPlane, (p0, p1) => Kernels.MaxPoolBackward.Scatter(
                        gc.RawSpan.Slice(p0 * outPlane, (p1 - p0) * outPlane), arg!.AsSpan(p0 * outPlane, (p1 - p0) * outPlane),
                        gx.RawSpan.Slice(p0 * inPlane, (p1 - p0) * inPlane), p1 - p0, inPlane, outPlane));
                    return new[] { gx };
                }
                for (int p = 0; p < planes; p++)
                    for (int i = 0; i < oh; i++)
                        for (int j = 0; j < ow; j++)
                        {
                            int o = (p * oh + i) * ow + j;
                            int div = countIncludePad ? wh.PaddedSize[i] * ww.PaddedSize[j] : (wh.End[i] - wh.Start[i]) * (ww.End[j] - ww.Start[j]);
                            float v = gs[o] / Math.Max(div, 1);
                            for (int r = wh.Start[i]; r < wh.End[i]; r++)
                                for (int c = ww.Start[j]; c < ww.End[j]; c++) gxs[p * H * W + r * W + c] += v;
                        }
                return new[] { gx };
            });
        return y;
    }
}
