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

    /// <summary>Exact GELU: x·Φ(x) = x·½(1 + erf(x/√2)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Gelu(Tensor x)
    {
        var xc = x.DataContiguous();
        var o = Tensor.NewLike(x.ShapeArray);
        var xs = xc.RawSpan; var os = o.RawSpan;
        Span<float> erf = stackalloc float[GeluChunk];
        for (int i = 0; i < os.Length; i += GeluChunk)
        {
            int n = Math.Min(GeluChunk, os.Length - i);
            var xv = xs.Slice(i, n); var ov = os.Slice(i, n); var e = erf.Slice(0, n);
            ErfHalfScaled(xv, e, ov);
            // y = ½x(1 + erf(x/√2))
            TensorPrimitives.Add(e, 1f, e);
            TensorPrimitives.Multiply(e, xv, ov);
            TensorPrimitives.Multiply(ov, 0.5f, ov);
        }
        if (Autograd.ShouldRecord(x))
            Autograd.Record(o, new[] { x }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                var gi = Tensor.NewLike(x.ShapeArray);
                var gs = g.DataContiguous().RawSpan; var gis = gi.RawSpan; var xall = xc.RawSpan;
                Span<float> e = stackalloc float[GeluChunk];
                Span<float> d = stackalloc float[GeluChunk];
                for (int i = 0; i < gis.Length; i += GeluChunk)
                {
                    int n = Math.Min(GeluChunk, gis.Length - i);
                    var xv = xall.Slice(i, n); var ev = e.Slice(0, n); var dv = d.Slice(0, n); var gv = gis.Slice(i, n);
                    // Φ(x) = ½(1 + erf(x/√2)); φ(x) = e^{−x²/2}/√(2π); GELU' = Φ + x·φ
                    ErfHalfScaled(xv, ev, dv);
                    TensorPrimitives.Add(ev, 1f, ev);
                    TensorPrimitives.Multiply(ev, 0.5f, ev);
                    TensorPrimitives.Multiply(xv, xv, dv);
                    TensorPrimitives.Multiply(dv, -0.5f, dv);
                    TensorPrimitives.Exp(dv, dv);
                    TensorPrimitives.Multiply(dv, xv, dv);
                    TensorPrimitives.MultiplyAdd(dv, 0.39894228f, ev, dv);
                    TensorPrimitives.Multiply(dv, gs.Slice(i, n), gv);
                }
                return new[] { gi };
            });
        return o;
    }

    private const int GeluChunk = 512;

    /// <summary>
    /// e = erf(x/√2) for a chunk, vectorised (Abramowitz &amp; Stegun 7.1.26, |error| ≤ 1.5e-7); t is scratch of the
    /// same length.
    /// </summary>
    private static void ErfHalfScaled(ReadOnlySpan<float> x, Span<float> e, Span<float> t)
    {
        // z = |x|/√2, t = 1/(1 + p·z)
        TensorPrimitives.Abs(x, e);
        TensorPrimitives.Multiply(e, 0.70710678f * 0.3275911f, t);
        TensorPrimitives.Add(t, 1f, t);
        TensorPrimitives.Reciprocal(t, t);
        // poly(t)·t, Horner from a5
        Span<float> poly = e.Length <= GeluChunk ? stackalloc float[e.Length] : new float[e.Length];
        TensorPrimitives.Multiply(t, 1.061405429f, poly);
        TensorPrimitives.Add(poly, -1.453152027f, poly);
        TensorPrimitives.MultiplyAdd(poly, t, 1.421413741f, poly);
        TensorPrimitives.MultiplyAdd(poly, t, -0.284496736f, poly);
        TensorPrimitives.MultiplyAdd(poly, t, 0.254829592f, poly);
        TensorPrimitives.Multiply(poly, t, poly);
        // e^{−z²} with z² = x²/2
        TensorPrimitives.Multiply(x, x, t);
        TensorPrimitives.Multiply(t, -0.5f, t);
        TensorPrimitives.Exp(t, t);
        // erf(z) = 1 − poly·e^{−z²}, sign of x
        TensorPrimitives.Multiply(poly, t, e);
        TensorPrimitives.Subtract(1f, e, e);
        TensorPrimitives.CopySign(e, x, e);
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
