using Groove.Nn.Kernels;
using KernelAct = Groove.Nn.Kernels.Activation;
using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Groove.Nn;

public static partial class Functional
{
    public static Tensor Relu(Tensor x) => x.Relu();
    public static Tensor Sigmoid(Tensor x) => x.Sigmoid();
    public static Tensor Tanh(Tensor x) => x.Tanh();

    /// <summary>ELU: x for x &gt; 0, α(eˣ − 1) otherwise, computed as max(x, 0) + α(e^{min(x, 0)} − 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Elu(Tensor x, float alpha = 1f)
    {
        if (alpha == 1f) return KernelActivation(x, KernelAct.Elu);
        var xc = x.DataContiguous();
        var o = Tensor.NewLike(x.ShapeArray);
        var xs = xc.RawSpan; var os = o.RawSpan;
        var tmp = TensorArena.Rent(os.Length).AsSpan(0, os.Length);
        TensorPrimitives.Min(xs, 0f, tmp);
        TensorPrimitives.Exp(tmp, tmp);
        TensorPrimitives.Subtract(tmp, 1f, tmp);
        TensorPrimitives.Max(xs, 0f, os);
        TensorPrimitives.MultiplyAdd(tmp, alpha, os, os);
        if (Autograd.ShouldRecord(x))
            Autograd.Record(o, new[] { x }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                var gi = Tensor.NewLike(x.ShapeArray);
                var gs = g.DataContiguous().RawSpan; var gis = gi.RawSpan; var xv = xc.RawSpan; var ov = o.RawSpan;
                for (int i = 0; i < gis.Length; i++) gis[i] = xv[i] > 0 ? gs[i] : gs[i] * (ov[i] + alpha);
                return new[] { gi };
            });
        return o;
    }

    /// <summary>Leaky ReLU.</summary>
    public static Tensor LeakyRelu(Tensor x, float slope = 0.01f) => Pointwise(x,
        v => v > 0 ? v : slope * v, (v, y) => v > 0 ? 1f : slope);

    /// <summary>Exact GELU: x·Φ(x) = x·½(1 + erf(x/√2)) (vectorised in <see cref="ActivationKernels"/>).</summary>
    public static Tensor Gelu(Tensor x) => KernelActivation(x, KernelAct.Gelu);

    /// <summary>An activation run by <see cref="ActivationKernels"/>, forward and backward.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Tensor KernelActivation(Tensor x, KernelAct act)
    {
        var xc = x.DataContiguous();
        var o = Tensor.NewUninitialized(x.ShapeArray); // the kernels write every element
        ActivationKernels.Forward(act, xc.RawSpan, o.RawSpan);
        if (Autograd.ShouldRecord(x))
            Autograd.Record(o, new[] { x }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                var gi = Tensor.NewUninitialized(x.ShapeArray);
                // GELU's derivative reads the input, the others the saved output.
                ActivationKernels.Backward(act, xc.RawSpan, o.RawSpan, g.DataContiguous().RawSpan, gi.RawSpan);
                return new[] { gi };
            });
        return o;
    }

    /// <summary>
    /// erf(x) in float precision: Abramowitz &amp; Stegun 7.1.26 (|error| ≤ 1.5e-7), exact enough for float32 GELU.
    /// </summary>
    internal static float Erf(float x)
    {
        float z = MathF.Abs(x);
        float t = 1f / (1f + 0.3275911f * z);
        float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
        float r = 1f - poly * MathF.Exp(-z * z);
        return x >= 0 ? r : -r;
    }

    /// <summary>Elementwise f(x) with derivative df(x, f(x)); one pass, no per-element virtual calls in the hot path
    /// other than the two delegates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Tensor Pointwise(Tensor x, Func<float, float> f, Func<float, float, float> df)
    {
        var xc = x.DataContiguous();
        var o = Tensor.NewLike(x.ShapeArray);
        var xs = xc.RawSpan; var os = o.RawSpan;
        for (int i = 0; i < os.Length; i++) os[i] = f(xs[i]);
        if (Autograd.ShouldRecord(x))
            Autograd.Record(o, new[] { x }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                var gi = Tensor.NewLike(x.ShapeArray);
                var gs = g.DataContiguous().RawSpan; var gis = gi.RawSpan;
                var xs2 = xc.RawSpan; var os2 = o.RawSpan;
                for (int i = 0; i < gis.Length; i++) gis[i] = gs[i] * df(xs2[i], os2[i]);
                return new[] { gi };
            });
        return o;
    }

    /// <summary>Softmax along <paramref name="axis"/>.</summary>
    public static Tensor Softmax(Tensor x, int axis = -1) => SoftmaxImpl(x, axis, log: false);

    /// <summary>Log-softmax along <paramref name="axis"/> (numerically stable).</summary>
    public static Tensor LogSoftmax(Tensor x, int axis = -1) => SoftmaxImpl(x, axis, log: true);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Tensor SoftmaxImpl(Tensor x, int axis, bool log)
    {
        int ax = ShapeUtil.Axis(axis, x.Rank);
        // Work on [outer, n] rows with the axis last.
        bool last = ax == x.Rank - 1;
        var xt = last ? x.DataContiguous() : x.Detach().Transpose(ax, -1).DataContiguous();
        int n = xt.Dim(-1), rows = xt.Size / Math.Max(n, 1);
        var ot = Tensor.NewLike(xt.ShapeArray);
        var xs = xt.RawSpan; var os = ot.RawSpan;
        for (int r = 0; r < rows; r++)
        {
            var xr = xs.Slice(r * n, n); var or = os.Slice(r * n, n);
            float mx = TensorPrimitives.Max(xr);
            TensorPrimitives.Subtract(xr, mx, or);
            if (log)
            {
                float lse = MathF.Log(SumExp(or));
                TensorPrimitives.Subtract(or, lse, or);
            }
            else
            {
                TensorPrimitives.Exp(or, or);
                TensorPrimitives.Multiply(or, 1f / TensorPrimitives.Sum(or), or);
            }
        }
        var o = last ? ot : ot.Transpose(ax, -1).DataContiguous();
        if (Autograd.ShouldRecord(x))
            Autograd.Record(o, new[] { x }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                var gt = (last ? g : g.Transpose(ax, -1)).DataContiguous();
                var gi = Tensor.NewLike(gt.ShapeArray);
                var gs = gt.RawSpan; var gis = gi.RawSpan; var ys = ot.RawSpan;
                for (int r = 0; r < rows; r++)
                {
                    var gr = gs.Slice(r * n, n); var yr = ys.Slice(r * n, n); var dr = gis.Slice(r * n, n);
                    if (log)
                    {
                        // d = g − softmax·Σg
                        float sg = TensorPrimitives.Sum(gr);
                        for (int j = 0; j < n; j++) dr[j] = gr[j] - MathF.Exp(yr[j]) * sg;
                    }
                    else
                    {
                        // d = y·(g − Σ y·g)
                        float dot = TensorPrimitives.Dot(gr, yr);
                        for (int j = 0; j < n; j++) dr[j] = yr[j] * (gr[j] - dot);
                    }
                }
                return new[] { last ? gi : gi.Transpose(ax, -1).DataContiguous() };
            });
        return o;
    }

    private static float SumExp(ReadOnlySpan<float> v)
    {
        float s = 0;
        for (int i = 0; i < v.Length; i++) s += MathF.Exp(v[i]);
        return s;
    }

    /// <summary>Cosine similarity along <paramref name="axis"/>: a·b / max(‖a‖‖b‖, eps).</summary>
    public static Tensor CosineSimilarity(Tensor a, Tensor b, int axis = -1, float eps = 1e-8f)
    {
        var dot = (a * b).Sum(axis);
        var na = a.Square().Sum(axis);
        var nb = b.Square().Sum(axis);
        // PyTorch ≥1.12: a·b / sqrt(clamp_min(‖a‖²‖b‖², eps²)).
        return dot / (na * nb).Clamp(min: eps * eps).Sqrt();
    }

    /// <summary>Rows scaled to unit L2 norm along <paramref name="axis"/> (norm clamped to eps).</summary>
    public static Tensor Normalize(Tensor x, int axis = -1, float eps = 1e-12f) =>
        x / x.Square().Sum(axis, keepDim: true).Sqrt().Clamp(min: eps);

    /// <summary>Inverted dropout: zeroes elements with probability p and scales the rest by 1/(1−p) when training.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Dropout(Tensor x, float p, bool training, Rng rng)
    {
        if (!training || p == 0f) return x;
        if (p < 0f || p >= 1f) throw new ArgumentOutOfRangeException(nameof(p), "Dropout probability must be in [0, 1).");
        var mask = Tensor.NewLike(x.ShapeArray);
        var ms = mask.RawSpan;
        float keep = 1f / (1f - p);
        for (int i = 0; i < ms.Length; i++) ms[i] = rng.NextFloat() >= p ? keep : 0f;
        return x * mask;
    }

    /// <summary>
    /// Stochastic depth (Huang et al., ECCV 2016): drops whole samples (first dim) of a residual branch with
    /// probability p, scaling survivors by 1/(1−p).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor DropPath(Tensor x, float p, bool training, Rng rng)
    {
        if (!training || p == 0f) return x;
        var shape = new int[x.Rank];
        Array.Fill(shape, 1);
        shape[0] = x.Dim(0);
        var mask = Tensor.NewLike(shape);
        var ms = mask.RawSpan;
        for (int i = 0; i < ms.Length; i++) ms[i] = rng.NextFloat() >= p ? 1f / (1f - p) : 0f;
        return x * mask;
    }
}
