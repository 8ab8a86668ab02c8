using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Groove.Nn.Kernels;

/// <summary>Pointwise activation functions the fused kernels apply.</summary>
internal enum Activation
{
    /// <summary>Identity.</summary>
    None,
    /// <summary>max(x, 0).</summary>
    Relu,
    /// <summary>x for x &gt; 0, eˣ − 1 otherwise (α = 1).</summary>
    Elu,
    /// <summary>Exact GELU, x·Φ(x) (PyTorch's default, not the tanh approximation).</summary>
    Gelu,
    /// <summary>1 / (1 + e⁻ˣ).</summary>
    Sigmoid,
    /// <summary>tanh(x).</summary>
    Tanh,
}

/// <summary>
/// Vectorised activations on spans, forward and backward, and the fused "add bias, then activate" pass that follows
/// a convolution (bias per row of an NCHW plane) or a linear layer (bias per column).
/// </summary>
internal static class ActivationKernels
{
    /// <summary>y = act(x) (y may alias x).</summary>
    public static void Forward(Activation act, ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length < x.Length) throw new ArgumentException("ActivationKernels: output shorter than input");
        switch (act)
        {
            case Activation.None: x.CopyTo(y); break;
            case Activation.Relu: TensorPrimitives.Max(x, 0f, y); break;
            case Activation.Sigmoid: TensorPrimitives.Sigmoid(x, y); break;
            case Activation.Tanh: TensorPrimitives.Tanh(x, y); break;
            case Activation.Elu: EluForward(x, y); break;
            case Activation.Gelu: GeluForward(x, y); break;
            default: throw new ArgumentOutOfRangeException(nameof(act));
        }
    }

    /// <summary>
    /// gx = gy ∘ act'(x). ReLU, ELU, sigmoid and tanh read the saved output <paramref name="y"/>; GELU reads the
    /// input <paramref name="x"/> (pass whichever the activation needs; the other may be empty). gx may alias gy.
    /// </summary>
    public static void Backward(Activation act, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy,
        Span<float> gx)
    {
        if (gx.Length < gy.Length) throw new ArgumentException("ActivationKernels: gradient output shorter than input");
        int n = gy.Length;
        switch (act)
        {
            case Activation.None: gy.CopyTo(gx); return;
            case Activation.Gelu: Need(x, n); GeluBackward(x, gy, gx); return;
        }
        Need(y, n);
        switch (act)
        {
            case Activation.Relu: ReluBackward(y, gy, gx); break;
            case Activation.Elu: EluBackward(y, gy, gx); break;
            case Activation.Sigmoid: SigmoidBackward(y, gy, gx); break;
            case Activation.Tanh: TanhBackward(y, gy, gx); break;
            default: throw new ArgumentOutOfRangeException(nameof(act));
        }
    }

    /// <summary>
    /// In place: x[r, j] = act(x[r, j] + bias[r]) for a [rows, cols] block (NCHW conv output: rows = N·C planes,
    /// bias indexed by r mod bias.Length) when <paramref name="biasPerRow"/>, else act(x[r, j] + bias[j])
    /// (linear output). Empty bias = activation only.
    /// </summary>
    public static void BiasActivate(Span<float> x, int rows, int cols, ReadOnlySpan<float> bias, bool biasPerRow,
        Activation act)
    {
        if (rows < 0 || cols < 0 || x.Length < (long)rows * cols) throw new ArgumentException("ActivationKernels: x is shorter than rows·cols");
        if (!bias.IsEmpty && !biasPerRow && bias.Length < cols) throw new ArgumentException("ActivationKernels: bias shorter than cols");
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = x.Slice(r * cols, cols);
            if (!bias.IsEmpty)
            {
                if (biasPerRow) TensorPrimitives.Add(row, bias[r % bias.Length], row);
                else TensorPrimitives.Add(row, bias.Slice(0, cols), row);
            }
            if (act != Activation.None) Forward(act, row, row);
        }
    }

    static void Need(ReadOnlySpan<float> s, int n)
    {
        if (s.Length < n) throw new ArgumentException("ActivationKernels: saved tensor shorter than the gradient");
    }

    static void EluForward(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> one = Vector256.Create(1f);
            for (; i + 8 <= x.Length; i += 8)
            {
                Vector256<float> v = Vector256.Create(x.Slice(i, 8));
                Vector256<float> neg = Vector256.Exp(Vector256.Min(v, Vector256<float>.Zero)) - one;
                Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, neg).CopyTo(y.Slice(i, 8));
            }
        }
        for (; i < x.Length; i++) y[i] = x[i] > 0 ? x[i] : MathF.Exp(x[i]) - 1f;
    }

    static void EluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx)
    {
        // y > 0 ⇔ x > 0; below zero, d/dx (eˣ − 1) = eˣ = y + 1.
        int i = 0, n = gy.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> one = Vector256.Create(1f);
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> yv = Vector256.Create(y.Slice(i, 8)), g = Vector256.Create(gy.Slice(i, 8));
                Vector256<float> d = Vector256.ConditionalSelect(Vector256.GreaterThan(yv, Vector256<float>.Zero), one, yv + one);
                (g * d).CopyTo(gx.Slice(i, 8));
            }
        }
        for (; i < n; i++) gx[i] = gy[i] * (y[i] > 0 ? 1f : y[i] + 1f);
    }

    static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx)
    {
        int i = 0, n = gy.Length;
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> yv = Vector256.Create(y.Slice(i, 8)), g = Vector256.Create(gy.Slice(i, 8));
                Vector256.ConditionalSelect(Vector256.GreaterThan(yv, Vector256<float>.Zero), g, Vector256<float>.Zero)
                    .CopyTo(gx.Slice(i, 8));
            }
        for (; i < n; i++) gx[i] = y[i] > 0 ? gy[i] : 0f;
    }

    static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx)
    {
        int i = 0, n = gy.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> one = Vector256.Create(1f);
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> yv = Vector256.Create(y.Slice(i, 8));
                (Vector256.Create(gy.Slice(i, 8)) * yv * (one - yv)).CopyTo(gx.Slice(i, 8));
            }
        }
        for (; i < n; i++) gx[i] = gy[i] * y[i] * (1f - y[i]);
    }

    static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx)
    {
        int i = 0, n = gy.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> one = Vector256.Create(1f);
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> yv = Vector256.Create(y.Slice(i, 8));
                (Vector256.Create(gy.Slice(i, 8)) * (one - yv * yv)).CopyTo(gx.Slice(i, 8));
            }
        }
        for (; i < n; i++) gx[i] = gy[i] * (1f - y[i] * y[i]);
    }

    const float InvSqrt2 = 0.70710678118654752f;
    const float InvSqrt2Pi = 0.39894228040143268f;

    static void GeluForward(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> half = Vector256.Create(0.5f), one = Vector256.Create(1f), s = Vector256.Create(InvSqrt2);
            for (; i + 8 <= x.Length; i += 8)
            {
                Vector256<float> v = Vector256.Create(x.Slice(i, 8));
                (half * v * (one + Erf(v * s))).CopyTo(y.Slice(i, 8));
            }
        }
        for (; i < x.Length; i++) y[i] = 0.5f * x[i] * (1f + ErfScalar(x[i] * InvSqrt2));
    }

    static void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gx)
    {
        // d/dx x·Φ(x) = Φ(x) + x·φ(x)
        int i = 0, n = gy.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> half = Vector256.Create(0.5f), one = Vector256.Create(1f), s = Vector256.Create(InvSqrt2);
            Vector256<float> c = Vector256.Create(InvSqrt2Pi), mhalf = Vector256.Create(-0.5f);
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> v = Vector256.Create(x.Slice(i, 8));
                Vector256<float> d = half * (one + Erf(v * s)) + v * c * Vector256.Exp(mhalf * v * v);
                (Vector256.Create(gy.Slice(i, 8)) * d).CopyTo(gx.Slice(i, 8));
            }
        }
        for (; i < n; i++)
        {
            float v = x[i];
            gx[i] = gy[i] * (0.5f * (1f + ErfScalar(v * InvSqrt2)) + v * InvSqrt2Pi * MathF.Exp(-0.5f * v * v));
        }
    }

    // erf by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7): erf(x) = 1 − (a₁t + … + a₅t⁵)·e^(−x²), t = 1/(1 + p·x).
    const float P = 0.3275911f, A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f,
        A5 = 1.061405429f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Erf(Vector256<float> x)
    {
        Vector256<float> ax = Vector256.Abs(x);
        Vector256<float> t = Vector256.Create(1f) / (Vector256.Create(1f) + Vector256.Create(P) * ax);
        Vector256<float> poly = Vector256.Create(A5);
        poly = poly * t + Vector256.Create(A4);
        poly = poly * t + Vector256.Create(A3);
        poly = poly * t + Vector256.Create(A2);
        poly = poly * t + Vector256.Create(A1);
        Vector256<float> r = Vector256.Create(1f) - poly * t * Vector256.Exp(-(ax * ax));
        return Vector256.CopySign(r, x);
    }

    static float ErfScalar(float x)
    {
        float ax = MathF.Abs(x), t = 1f / (1f + P * ax);
        float poly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
        return MathF.CopySign(1f - poly * MathF.Exp(-ax * ax), x);
    }
}
