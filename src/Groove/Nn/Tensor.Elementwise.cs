using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Groove.Nn;

public sealed partial class Tensor
{
    /// <summary>Contiguous data without recording a copy in the autograd graph (for kernels).</summary>
    internal Tensor DataContiguous()
    {
        if (IsContiguous) return this;
        var r = NewLike((int[])Dims.Clone());
        StridedCopy(this, r.Storage, 0);
        return r;
    }

    // ---------------------------------------------------------------- broadcasting binary ops

    public static Tensor Add(Tensor a, Tensor b)
    {
        var o = BroadcastLoop.Binary(BinaryOp.Add, a, b);
        if (Autograd.ShouldRecord(a, b))
            Autograd.Record(o, new[] { a, b }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) => new[] { SumTo(g, a.Dims), SumTo(g, b.Dims) });
        return o;
    }

    public static Tensor Sub(Tensor a, Tensor b)
    {
        var o = BroadcastLoop.Binary(BinaryOp.Sub, a, b);
        if (Autograd.ShouldRecord(a, b))
            Autograd.Record(o, new[] { a, b }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) => new[] { SumTo(g, a.Dims), b.RequiresGrad ? SumTo(g.Neg(), b.Dims) : null });
        return o;
    }

    public static Tensor Mul(Tensor a, Tensor b)
    {
        var o = BroadcastLoop.Binary(BinaryOp.Mul, a, b);
        if (Autograd.ShouldRecord(a, b))
            Autograd.Record(o, new[] { a, b }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) => new[]
            {
                a.RequiresGrad ? SumTo(Mul(g, b), a.Dims) : null,
                b.RequiresGrad ? SumTo(Mul(g, a), b.Dims) : null,
            });
        return o;
    }

    public static Tensor Div(Tensor a, Tensor b)
    {
        var o = BroadcastLoop.Binary(BinaryOp.Div, a, b);
        if (Autograd.ShouldRecord(a, b))
            Autograd.Record(o, new[] { a, b }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                var ga = Div(g, b);
                return new[]
                {
                    a.RequiresGrad ? SumTo(ga, a.Dims) : null,
                    b.RequiresGrad ? SumTo(Mul(ga, o).Neg(), b.Dims) : null,
                };
            });
        return o;
    }

    /// <summary>Elementwise maximum (gradient to the larger operand; ties go to <paramref name="a"/>).</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => MinMax(BinaryOp.Max, a, b);

    /// <summary>Elementwise minimum (gradient to the smaller operand; ties go to <paramref name="a"/>).</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => MinMax(BinaryOp.Min, a, b);

    private static Tensor MinMax(BinaryOp op, Tensor a, Tensor b)
    {
        var o = BroadcastLoop.Binary(op, a, b);
        if (Autograd.ShouldRecord(a, b))
            Autograd.Record(o, new[] { a, b }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                // mask = 1 where o == a (a wins), computed on the broadcast shape.
                var ab = BroadcastLoop.Binary(BinaryOp.CopyA, a, a, o.Dims);
                var mask = NewLike(o.ShapeArray);
                var m = mask.RawSpan; var av = ab.RawSpan; var ov = o.RawSpan;
                for (int i = 0; i < m.Length; i++) m[i] = av[i] == ov[i] ? 1f : 0f;
                var gm = Mul(g, mask);
                return new[] { SumTo(gm, a.Dims), SumTo(Sub(g, gm), b.Dims) };
            });
        return o;
    }

    public Tensor Add(Tensor b) => Add(this, b);
    public Tensor Sub(Tensor b) => Sub(this, b);
    public Tensor Mul(Tensor b) => Mul(this, b);
    public Tensor Div(Tensor b) => Div(this, b);

    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b);
    public static Tensor operator -(Tensor a, Tensor b) => Sub(a, b);
    public static Tensor operator *(Tensor a, Tensor b) => Mul(a, b);
    public static Tensor operator /(Tensor a, Tensor b) => Div(a, b);
    public static Tensor operator -(Tensor a) => a.Neg();
    public static Tensor operator +(Tensor a, float s) => a.AddScalar(s);
    public static Tensor operator +(float s, Tensor a) => a.AddScalar(s);
    public static Tensor operator -(Tensor a, float s) => a.AddScalar(-s);
    public static Tensor operator -(float s, Tensor a) => a.Neg().AddScalar(s);
    public static Tensor operator *(Tensor a, float s) => a.MulScalar(s);
    public static Tensor operator *(float s, Tensor a) => a.MulScalar(s);
    public static Tensor operator /(Tensor a, float s) => a.MulScalar(1f / s);
    public static Tensor operator /(float s, Tensor a) => a.Reciprocal().MulScalar(s);

    /// <summary>Sums <paramref name="g"/> over the dims that broadcasting expanded, giving <paramref name="shape"/>.</summary>
    internal static Tensor SumTo(Tensor g, int[] shape)
    {
        if (ShapeUtil.SameShape(g.Dims, shape)) return g;
        int lead = g.Rank - shape.Length;
        var axes = new List<int>();
        for (int i = 0; i < g.Rank; i++)
            if (i < lead || (shape[i - lead] == 1 && g.Dims[i] != 1)) axes.Add(i);
        var s = Reductions.SumRaw(g.DataContiguous(), axes.ToArray());
        return s.Reshape(shape);
    }

    /// <summary>Broadcasts to <paramref name="shape"/> (materialised copy; gradient is summed back).</summary>
    public Tensor Expand(params int[] shape)
    {
        var target = ShapeUtil.Broadcast(Dims, shape);
        if (!ShapeUtil.SameShape(target, shape)) throw new ArgumentException($"Cannot expand {ShapeUtil.Str(Dims)} to {ShapeUtil.Str(shape)}.");
        var o = BroadcastLoop.Binary(BinaryOp.CopyA, this, this, (int[])shape.Clone());
        if (Autograd.ShouldRecord(this))
        {
            var myShape = Dims;
            Autograd.Record(o, new[] { this }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) => new[] { SumTo(g, myShape) });
        }
        return o;
    }

    // ---------------------------------------------------------------- scalar ops

    public Tensor AddScalar(float s)
    {
        var x = DataContiguous();
        var o = NewLike(ShapeArray);
        TensorPrimitives.Add(x.RawSpan, s, o.RawSpan);
        if (Autograd.ShouldRecord(this)) Autograd.Record(o, new[] { this }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) => new[] { g });
        return o;
    }

    public Tensor MulScalar(float s)
    {
        var x = DataContiguous();
        var o = NewLike(ShapeArray);
        TensorPrimitives.Multiply(x.RawSpan, s, o.RawSpan);
        if (Autograd.ShouldRecord(this)) Autograd.Record(o, new[] { this }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) => new[] { g.MulScalar(s) });
        return o;
    }

    // ---------------------------------------------------------------- unary ops

    private delegate void UnaryKernel(ReadOnlySpan<float> x, Span<float> o);

    private Tensor Unary(UnaryKernel kernel, Func<Tensor, Tensor, Tensor, Tensor>? backward)
    {
        var x = DataContiguous();
        var o = NewLike(ShapeArray);
        kernel(x.RawSpan, o.RawSpan);
        if (backward != null && Autograd.ShouldRecord(this))
        {
            var self = this;
            Autograd.Record(o, new[] { this }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) => new[] { backward(g, self, o) });
        }
        return o;
    }

    public Tensor Neg() => Unary(TensorPrimitives.Negate, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g, x, o) => g.Neg());

    public Tensor Exp() => Unary(TensorPrimitives.Exp, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g, x, o) => Mul(g, o));

    public Tensor Log() => Unary(TensorPrimitives.Log, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g, x, o) => Div(g, x));

    public Tensor Sqrt() => Unary(TensorPrimitives.Sqrt, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g, x, o) => Div(g, o).MulScalar(0.5f));

    public Tensor Square() => Unary((x, o) => TensorPrimitives.Multiply(x, x, o), [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g, x, o) => Mul(g, x).MulScalar(2f));

    public Tensor Reciprocal() => Unary((x, o) => TensorPrimitives.Divide(1f, x, o), [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g, x, o) => Mul(g, Mul(o, o)).Neg());

    public Tensor Pow(float p) => Unary((x, o) => TensorPrimitives.Pow(x, p, o), [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g, x, o) => Mul(g, x.Pow(p - 1f)).MulScalar(p));

    public Tensor Abs() => Unary(TensorPrimitives.Abs, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g, x, o) =>
    {
        var s = NewLike(x.ShapeArray);
        var xs = x.DataContiguous().RawSpan; var ss = s.RawSpan;
        for (int i = 0; i < ss.Length; i++) ss[i] = xs[i] > 0 ? 1f : xs[i] < 0 ? -1f : 0f;
        return Mul(g, s);
    });

    /// <summary>Clamps to [min, max]; the gradient passes where the input lies inside the range.</summary>
    public Tensor Clamp(float min = float.NegativeInfinity, float max = float.PositiveInfinity) => Unary((x, o) =>
    {
        TensorPrimitives.Max(x, min, o);
        TensorPrimitives.Min(o, max, o);
    }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g, x, o) =>
    {
        var m = NewLike(x.ShapeArray);
        var xs = x.DataContiguous().RawSpan; var ms = m.RawSpan;
        for (int i = 0; i < ms.Length; i++) ms[i] = xs[i] >= min && xs[i] <= max ? 1f : 0f;
        return Mul(g, m);
    });

    public Tensor Sigmoid() => Functional.KernelActivation(this, Kernels.Activation.Sigmoid);

    public Tensor Tanh() => Functional.KernelActivation(this, Kernels.Activation.Tanh);

    public Tensor Relu() => Functional.KernelActivation(this, Kernels.Activation.Relu);

    // ---------------------------------------------------------------- autograd entry points

    /// <summary>Back-propagates from this tensor (a scalar unless <paramref name="grad"/> is given).</summary>
    public void Backward(Tensor? grad = null, bool retainGraph = false) => Autograd.Backward(this, grad, retainGraph);
}
