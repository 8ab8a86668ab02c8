using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Groove.Nn;

public static partial class Functional
{
    /// <summary>
    /// Layer normalisation over <paramref name="axes"/> (e.g. [-1] for the last dim, [1] for channels-first
    /// ConvNeXt-style): (x − mean)/√(var + eps)·weight + bias, with biased variance. weight/bias have the shape of
    /// the normalised dims (in axis order) or are null.
    /// </summary>
    public static Tensor LayerNorm(Tensor x, int[] axes, Tensor? weight = null, Tensor? bias = null, float eps = 1e-5f)
    {
        var ax = Reductions.NormalizeAxes(axes, x.Rank);
        bool trailing = true;
        for (int i = 0; i < ax.Length; i++) if (ax[i] != x.Rank - ax.Length + i) trailing = false;
        if (trailing) return LayerNormLast(x, ax.Length, weight, bias, eps);
        if (ax.Length == 1) return LayerNormMiddle(x, ax[0], weight, bias, eps);
        var rest = Enumerable.Range(0, x.Rank).Where(i => Array.IndexOf(ax, i) < 0).ToArray();
        int[] perm = [.. rest, .. ax];
        var inv = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inv[perm[i]] = i;
        return LayerNormLast(x.Permute(perm), ax.Length, weight, bias, eps).Permute(inv);
    }

    /// <summary>Layer normalisation over the last <paramref name="normalizedRank"/> dims (PyTorch's F.layer_norm).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor LayerNormLast(Tensor x, int normalizedRank, Tensor? weight, Tensor? bias, float eps = 1e-5f)
    {
        var xc = x.DataContiguous();
        int d = ShapeUtil.Prod(x.Shape, x.Rank - normalizedRank, x.Rank);
        if (weight != null && weight.Size != d) throw new ArgumentException($"LayerNorm: weight has {weight.Size} values, normalised dims hold {d}.");
        if (bias != null && bias.Size != d) throw new ArgumentException($"LayerNorm: bias has {bias.Size} values, normalised dims hold {d}.");
        int rows = x.Size / Math.Max(d, 1);
        var y = Tensor.NewLike(x.ShapeArray);
        var xhat = TensorArena.Rent(x.Size);
        var rstd = TensorArena.Rent(rows);
        var xs = xc.RawSpan; var ys = y.RawSpan;
        var ws = weight != null ? weight.DataContiguous().RawSpan : default;
        var bs = bias != null ? bias.DataContiguous().RawSpan : default;
        for (int r = 0; r < rows; r++)
        {
            var xr = xs.Slice(r * d, d); var hr = xhat.AsSpan(r * d, d); var yr = ys.Slice(r * d, d);
            float mean = TensorPrimitives.Sum(xr) / d;
            TensorPrimitives.Subtract(xr, mean, hr);
            float v = TensorPrimitives.Dot(hr, hr) / d;
            float rs = 1f / MathF.Sqrt(v + eps);
            rstd[r] = rs;
            TensorPrimitives.Multiply(hr, rs, hr);
            if (weight != null) TensorPrimitives.Multiply(hr, ws, yr); else hr.CopyTo(yr);
            if (bias != null) TensorPrimitives.Add(yr, bs, yr);
        }
        if (Autograd.ShouldRecord(x, weight, bias))
        {
            var w = weight?.DataContiguous();
            Autograd.Record(y, new[] { x, weight ?? x, bias ?? x }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                var gs = g.DataContiguous().RawSpan;
                Tensor? gx = x.RequiresGrad ? Tensor.NewLike(x.ShapeArray) : null;
                Tensor? gw = weight is { RequiresGrad: true } ? Tensor.NewLike(weight.ShapeArray) : null;
                Tensor? gb = bias is { RequiresGrad: true } ? Tensor.NewLike(bias.ShapeArray) : null;
                var tmp = TensorArena.Rent(d).AsSpan(0, d);
                for (int r = 0; r < rows; r++)
                {
                    var gr = gs.Slice(r * d, d); var hr = xhat.AsSpan(r * d, d);
                    if (gw != null) { TensorPrimitives.Multiply(gr, hr, tmp); TensorPrimitives.Add(gw.RawSpan, tmp, gw.RawSpan); }
                    if (gb != null) TensorPrimitives.Add(gb.RawSpan, gr, gb.RawSpan);
                    if (gx == null) continue;
                    // gxhat = g·w; gx = rstd·(gxhat − mean(gxhat) − xhat·mean(gxhat·xhat))
                    if (w != null) TensorPrimitives.Multiply(gr, w.RawSpan, tmp); else gr.CopyTo(tmp);
                    float m1 = TensorPrimitives.Sum(tmp) / d;
                    float m2 = TensorPrimitives.Dot(tmp, hr) / d;
                    var gxr = gx.RawSpan.Slice(r * d, d);
                    for (int j = 0; j < d; j++) gxr[j] = rstd[r] * (tmp[j] - m1 - hr[j] * m2);
                }
                return new[] { gx, gw, gb };
            });
        }
        return y;
    }

    /// <summary>
    /// Layer normalisation over one non-last axis (e.g. channels of [N, C, H, W], as ConvNeXt's channels-first
    /// LayerNorm) without transposing: x is viewed as [outer, C, inner] and run on
    /// <see cref="Kernels.LayerNormChannelsFirst"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Tensor LayerNormMiddle(Tensor x, int axis, Tensor? weight, Tensor? bias, float eps)
    {
        int outer = ShapeUtil.Prod(x.Shape, 0, axis), c = x.Dim(axis), inner = ShapeUtil.Prod(x.Shape, axis + 1, x.Rank);
        if (weight != null && weight.Size != c) throw new ArgumentException($"LayerNorm: weight has {weight.Size} values, axis has {c}.");
        if (bias != null && bias.Size != c) throw new ArgumentException($"LayerNorm: bias has {bias.Size} values, axis has {c}.");
        var xc = x.DataContiguous();
        var wt = weight?.DataContiguous(); var bt = bias?.DataContiguous();
        var y = Tensor.NewLike(x.ShapeArray);
        int stats = outer * inner;
        var mean = TensorArena.Rent(stats); var rstd = TensorArena.Rent(stats);
        Kernels.LayerNormChannelsFirst.Forward(outer, c, inner, xc.RawSpan, wt != null ? wt.RawSpan : default,
            bt != null ? bt.RawSpan : default, eps, y.RawSpan, mean.AsSpan(0, stats), rstd.AsSpan(0, stats));
        if (Autograd.ShouldRecord(x, weight, bias))
            Autograd.Record(y, new[] { x, weight ?? x, bias ?? x }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                Tensor? gx = x.RequiresGrad ? Tensor.NewLike(x.ShapeArray) : null;
                Tensor? gw = weight is { RequiresGrad: true } ? Tensor.NewLike(weight.ShapeArray) : null;
                Tensor? gb = bias is { RequiresGrad: true } ? Tensor.NewLike(bias.ShapeArray) : null;
                Kernels.LayerNormChannelsFirst.Backward(outer, c, inner, xc.RawSpan, wt != null ? wt.RawSpan : default,
                    mean.AsSpan(0, stats), rstd.AsSpan(0, stats), g.DataContiguous().RawSpan,
                    gx != null ? gx.RawSpan : default, gw != null ? gw.RawSpan : default, gb != null ? gb.RawSpan : default);
                return new[] { gx, gw, gb };
            });
        return y;
    }

    /// <summary>
    /// Batch normalisation of x [N, C, …] per channel. Training: normalises with batch statistics (biased
    /// variance) and updates the running stats in place (running = (1−momentum)·running + momentum·batch, with
    /// the unbiased variance, as PyTorch). Evaluation: uses the running stats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor BatchNorm(Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, float momentum = 0.1f, float eps = 1e-5f)
    {
        if (x.Rank < 2) throw new ArgumentException($"BatchNorm expects [N, C, …], got {ShapeUtil.Str(x.Shape)}.");
        int n = x.Dim(0), c = x.Dim(1), l = ShapeUtil.Prod(x.Shape, 2, x.Rank);
        int m = n * l;
        bool useBatch = training || runningMean == null || runningVar == null;
        if (useBatch && m < 2 && training) throw new ArgumentException("BatchNorm in training needs more than one value per channel.");
        var xc = x.DataContiguous();
        var mean = TensorArena.Rent(c); var rstd = TensorArena.Rent(c);
        int rows = n * c;
        long elements = (long)rows * l;
        // Rows (sample, channel) are independent: slabs of rows run on the cores (ParallelSlabs), also when there are
        // fewer channels than cores (an input BatchNorm of one channel). Each row's float sum is kept and the rows of
        // a channel are added in sample order in double, whatever the split; deviations are taken from the mean (two
        // passes) so that a large mean does not cancel the variance.
        var rowA = TensorArena.Rent(rows); var rowB = TensorArena.Rent(rows);
        if (useBatch)
        {
            Kernels.ParallelSlabs.For(rows, elements, (r0, r1) =>
            {
                var xs = xc.RawSpan;
                for (int r = r0; r < r1; r++) rowA[r] = TensorPrimitives.Sum(xs.Slice(r * l, l));
            });
            for (int ch = 0; ch < c; ch++)
            {
                double s = 0;
                for (int b = 0; b < n; b++) s += rowA[b * c + ch];
                mean[ch] = (float)(s / m);
            }
            Kernels.ParallelSlabs.For(rows, elements, (r0, r1) =>
            {
                var xs = xc.RawSpan;
                float[] dev = System.Buffers.ArrayPool<float>.Shared.Rent(l);
                var d = dev.AsSpan(0, l);
                for (int r = r0; r < r1; r++)
                {
                    TensorPrimitives.Subtract(xs.Slice(r * l, l), mean[r % c], d);
                    rowB[r] = TensorPrimitives.SumOfSquares(d);
                }
                System.Buffers.ArrayPool<float>.Shared.Return(dev);
            });
            for (int ch = 0; ch < c; ch++)
            {
                double v = 0;
                for (int b = 0; b < n; b++) v += rowB[b * c + ch];
                float var = (float)(v / m);
                rstd[ch] = 1f / MathF.Sqrt(var + eps);
                if (training && runningMean != null && runningVar != null)
                {
                    var rm = runningMean.Span; var rv = runningVar.Span;
                    rm[ch] = (1 - momentum) * rm[ch] + momentum * mean[ch];
                    rv[ch] = (1 - momentum) * rv[ch] + momentum * (float)(v / Math.Max(m - 1, 1));
                }
            }
        }
        else
        {
            var rm = runningMean!.DataContiguous().RawSpan; var rv = runningVar!.DataContiguous().RawSpan;
            for (int ch = 0; ch < c; ch++) { mean[ch] = rm[ch]; rstd[ch] = 1f / MathF.Sqrt(rv[ch] + eps); }
        }
        var y = Tensor.NewUninitialized(x.ShapeArray); // every row is written below
        var wc = weight?.DataContiguous();
        var bc = bias?.DataContiguous();
        Kernels.ParallelSlabs.For(rows, elements, (r0, r1) =>
        {
            var xs = xc.RawSpan; var ys = y.RawSpan;
            for (int r = r0; r < r1; r++)
            {
                int ch = r % c;
                float scale = rstd[ch] * (wc != null ? wc.RawSpan[ch] : 1f);
                float shift = (bc != null ? bc.RawSpan[ch] : 0f) - mean[ch] * scale;
                ScaleShift(xs.Slice(r * l, l), scale, shift, ys.Slice(r * l, l));
            }
        });
        if (Autograd.ShouldRecord(x, weight, bias))
        {
            Autograd.Record(y, new[] { x, weight ?? x, bias ?? x }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                var gc = g.DataContiguous();
                Tensor? gx = x.RequiresGrad ? Tensor.NewUninitialized(x.ShapeArray) : null; // every row is written
                Tensor? gw = weight is { RequiresGrad: true } ? Tensor.NewLike(weight.ShapeArray) : null;
                Tensor? gb = bias is { RequiresGrad: true } ? Tensor.NewLike(bias.ShapeArray) : null;
                var sgRow = TensorArena.Rent(rows); var sghRow = TensorArena.Rent(rows);
                var sgCh = TensorArena.Rent(c); var sghCh = TensorArena.Rent(c);
                // Σg and Σ g·(x − mean) per row, vectorised; added per channel across rows in double.
                Kernels.ParallelSlabs.For(rows, elements, (r0, r1) =>
                {
                    var gs = gc.RawSpan; var xs = xc.RawSpan;
                    float[] devArray = System.Buffers.ArrayPool<float>.Shared.Rent(l);
                    var d = devArray.AsSpan(0, l);
                    for (int r = r0; r < r1; r++)
                    {
                        var gr = gs.Slice(r * l, l);
                        TensorPrimitives.Subtract(xs.Slice(r * l, l), mean[r % c], d);
                        sgRow[r] = TensorPrimitives.Sum(gr);
                        sghRow[r] = TensorPrimitives.Dot(gr, d);
                    }
                    System.Buffers.ArrayPool<float>.Shared.Return(devArray);
                });
                for (int ch = 0; ch < c; ch++)
                {
                    double sg = 0, sgh = 0;
                    for (int b = 0; b < n; b++) { sg += sgRow[b * c + ch]; sgh += sghRow[b * c + ch]; }
                    sgh *= rstd[ch];
                    sgCh[ch] = (float)sg; sghCh[ch] = (float)sgh;
                    if (gw != null) gw.RawSpan[ch] = (float)sgh;
                    if (gb != null) gb.RawSpan[ch] = (float)sg;
                }
                if (gx != null)
                    Kernels.ParallelSlabs.For(rows, elements, (r0, r1) =>
                    {
                        var gs = gc.RawSpan; var xs = xc.RawSpan; var gxs = gx.RawSpan;
                        float[] devArray = System.Buffers.ArrayPool<float>.Shared.Rent(l);
                        var d = devArray.AsSpan(0, l);
                        for (int r = r0; r < r1; r++)
                        {
                            int ch = r % c;
                            float w = wc != null ? wc.RawSpan[ch] : 1f;
                            var gr = gs.Slice(r * l, l);
                            var gxr = gxs.Slice(r * l, l);
                            if (useBatch)
                            {
                                // gx = w·rstd/M · (M·g − Σg − x̂·Σ(g·x̂)) = (k·M)·g + (−k·rstd·Σgx̂)·(x − mean) − k·Σg
                                float k = w * rstd[ch] / m;
                                TensorPrimitives.Subtract(xs.Slice(r * l, l), mean[ch], d);
                                ScaleShift(d, -k * rstd[ch] * sghCh[ch], -k * sgCh[ch], d);
                                TensorPrimitives.MultiplyAdd(gr, k * m, d, gxr);
                            }
                            else
                                TensorPrimitives.Multiply(gr, w * rstd[ch], gxr);
                        }
                        System.Buffers.ArrayPool<float>.Shared.Return(devArray);
                    });
                return new[] { gx, gw, gb };
            });
        }
        return y;
    }

    /// <summary>y = x·a + b in one pass, rounded after the product and after the sum (not fused: the same values as
    /// a multiply pass followed by an add pass).</summary>
    private static void ScaleShift(ReadOnlySpan<float> x, float a, float b, Span<float> y)
    {
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var va = new System.Numerics.Vector<float>(a); var vb = new System.Numerics.Vector<float>(b);
            for (int n = System.Numerics.Vector<float>.Count; i + n <= x.Length; i += n)
                (new System.Numerics.Vector<float>(x.Slice(i, n)) * va + vb).CopyTo(y.Slice(i, n));
        }
        for (; i < x.Length; i++) y[i] = x[i] * a + b;
    }
}
