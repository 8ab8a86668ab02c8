using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Groove.Nn;

/// <summary>Reduction kernels over contiguous tensors (results keep reduced dims as size 1).</summary>
internal static class Reductions
{
    /// <summary>Normalises, sorts and de-duplicates axes; null means all axes.</summary>
    public static int[] NormalizeAxes(int[]? axes, int rank)
    {
        if (axes == null) return Enumerable.Range(0, rank).ToArray();
        var s = new SortedSet<int>();
        foreach (var a in axes) s.Add(ShapeUtil.Axis(a, rank));
        return s.ToArray();
    }

    /// <summary>Sum over <paramref name="axes"/> (sorted, distinct) keeping them as size-1 dims.</summary>
    public static Tensor SumRaw(Tensor x, int[] axes)
    {
        x = x.DataContiguous();
        var shape = x.ShapeArray;
        if (axes.Length == x.Rank || x.Size == 0)
        {
            var all = new int[x.Rank];
            Array.Fill(all, 1);
            foreach (var a in axes) shape[a] = 1;
            var r = Tensor.NewLike(shape);
            if (axes.Length == x.Rank) { r.Storage[0] = TensorPrimitives.Sum(x.RawSpan); return r; }
            return r;
        }
        var cur = x;
        // Reduce runs of consecutive axes from the last run to the first, each as one merged axis.
        int i = axes.Length - 1;
        while (i >= 0)
        {
            int end = axes[i], start = end;
            while (i > 0 && axes[i - 1] == start - 1) { i--; start--; }
            i--;
            int outer = ShapeUtil.Prod(cur.Dims, 0, start);
            int n = ShapeUtil.Prod(cur.Dims, start, end + 1);
            int inner = ShapeUtil.Prod(cur.Dims, end + 1, cur.Rank);
            var newShape = cur.ShapeArray;
            for (int a = start; a <= end; a++) newShape[a] = 1;
            var o = Tensor.NewLike(newShape);
            SumAxis(cur.RawSpan, outer, n, inner, o.RawSpan);
            cur = o;
        }
        return cur;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumAxis(ReadOnlySpan<float> x, int outer, int n, int inner, Span<float> o)
    {
        if (inner == 1)
        {
            for (int p = 0; p < outer; p++) o[p] = TensorPrimitives.Sum(x.Slice(p * n, n));
            return;
        }
        for (int p = 0; p < outer; p++)
        {
            var dst = o.Slice(p * inner, inner);
            var src = x.Slice(p * n * inner);
            src.Slice(0, inner).CopyTo(dst);
            for (int k = 1; k < n; k++) TensorPrimitives.Add(dst, src.Slice(k * inner, inner), dst);
        }
    }
}

public sealed partial class Tensor
{
    private Tensor DropAxes(int[] axes, bool keepDim)
    {
        if (keepDim) return this;
        var shape = new List<int>();
        for (int i = 0; i < Rank; i++) if (Array.IndexOf(axes, i) < 0) shape.Add(Dims[i]);
        return Reshape(shape.ToArray());
    }

    /// <summary>Sum over <paramref name="axes"/> (all when null).</summary>
    public Tensor Sum(int[]? axes = null, bool keepDim = false)
    {
        var ax = Reductions.NormalizeAxes(axes, Rank);
        var o = Reductions.SumRaw(this, ax);
        if (Autograd.ShouldRecord(this))
        {
            var shape = Dims;
            Autograd.Record(o, new[] { this }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) => new[] { g.Expand(shape) });
        }
        return o.DropAxes(ax, keepDim);
    }

    public Tensor Sum(int axis, bool keepDim = false) => Sum(new[] { axis }, keepDim);

    /// <summary>Mean over <paramref name="axes"/> (all when null).</summary>
    public Tensor Mean(int[]? axes = null, bool keepDim = false)
    {
        var ax = Reductions.NormalizeAxes(axes, Rank);
        int count = 1;
        foreach (var a in ax) count *= Dims[a];
        return Sum(ax, keepDim).MulScalar(1f / Math.Max(count, 1));
    }

    public Tensor Mean(int axis, bool keepDim = false) => Mean(new[] { axis }, keepDim);

    /// <summary>Variance over <paramref name="axes"/> (unbiased: divide by n−1).</summary>
    public Tensor Var(int[]? axes = null, bool unbiased = true, bool keepDim = false)
    {
        var ax = Reductions.NormalizeAxes(axes, Rank);
        int count = 1;
        foreach (var a in ax) count *= Dims[a];
        var centered = Sub(this, Mean(ax, keepDim: true));
        return centered.Square().Sum(ax, keepDim).MulScalar(1f / Math.Max(unbiased ? count - 1 : count, 1));
    }

    /// <summary>Maximum over one axis; the gradient goes to the first maximal element.</summary>
    public Tensor Max(int axis, bool keepDim = false) => MaxWithIndices(axis, keepDim).Values;

    /// <summary>Maximum over one axis with the arg-max indices (as ints, in the output's layout).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (Tensor Values, int[] Indices) MaxWithIndices(int axis, bool keepDim = false)
    {
        int ax = ShapeUtil.Axis(axis, Rank);
        var x = DataContiguous();
        int outer = ShapeUtil.Prod(Dims, 0, ax), n = Dims[ax], inner = ShapeUtil.Prod(Dims, ax + 1, Rank);
        if (n == 0) throw new ArgumentException("Max over an empty axis.");
        var shape = ShapeArray; shape[ax] = 1;
        var o = NewLike(shape);
        var idx = new int[outer * inner];
        var xs = x.RawSpan; var os = o.RawSpan;
        for (int p = 0; p < outer; p++)
            for (int q = 0; q < inner; q++)
            {
                int baseI = p * n * inner + q;
                float best = xs[baseI]; int bi = 0;
                for (int k = 1; k < n; k++)
                {
                    float v = xs[baseI + k * inner];
                    if (v > best || float.IsNaN(v) && !float.IsNaN(best)) { best = v; bi = k; }
                }
                os[p * inner + q] = best;
                idx[p * inner + q] = bi;
            }
        if (Autograd.ShouldRecord(this))
        {
            var inShape = ShapeArray;
            Autograd.Record(o, new[] { this }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                var gi = NewLike(inShape);
                var gs = g.DataContiguous().RawSpan; var gis = gi.RawSpan;
                for (int p = 0; p < outer; p++)
                    for (int q = 0; q < inner; q++)
                        gis[p * n * inner + idx[p * inner + q] * inner + q] = gs[p * inner + q];
                return new[] { gi };
            });
        }
        return (o.DropAxes(new[] { ax }, keepDim), idx);
    }
}
