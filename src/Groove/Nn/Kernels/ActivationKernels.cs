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
    /// <summary>Elements per work item when a large activation is split over the cores.</summary>
    const int Chunk = 1 << 13;

    /// <summary>y = act(x) (y may alias x). Large spans are split over the engine's <see cref="WorkerPool"/>
    /// (each element is computed by the same code whatever the split).</summary>
    public static unsafe void Forward(Activation act, ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length;
        if (n < ParallelSlabs.Threshold || y.Length < n)
        {
            Forward(act, x, y, SimdPaths.Best);
            return;
        }
        fixed (float* px = x, py = y)
        {
            nint ix = (nint)px, iy = (nint)py;
            ParallelSlabs.For((n + Chunk - 1) / Chunk, n, (c0, c1) =>
            {
                int start = c0 * Chunk, len = Math.Min(n, c1 * Chunk) - start;
                Forward(act, new ReadOnlySpan<float>((float*)ix + start, len), new Span<float>((float*)iy + start, len),
                    SimdPaths.Best);
            });
        }
    }

    /// <summary>As <see cref="Forward(Activation, ReadOnlySpan{float}, Span{float})"/> on the given vector path (ELU
    /// and GELU: 16 lanes on AVX-512, 8 on AVX2, scalar; ReLU, sigmoid and tanh go through TensorPrimitives, whose
    /// width the runtime chooses).</summary>
    internal static void Forward(Activation act, ReadOnlySpan<float> x, Span<float> y, SimdPath path)
    {
        if (y.Length < x.Length) throw new ArgumentException("ActivationKernels: output shorter than input");
        switch (act)
        {
            case Activation.None: x.CopyTo(y); break;
            case Activation.Relu: TensorPrimitives.Max(x, 0f, y); break;
            case Activation.Sigmoid: TensorPrimitives.Sigmoid(x, y); break;
            case Activation.Tanh: TensorPrimitives.Tanh(x, y); break;
            case Activation.Elu: EluForward(x, y, path); break;
            case Activation.Gelu: GeluForward(x, y, path); break;
            default: throw new ArgumentOutOfRangeException(nameof(act));
        }
    }

    /// <summary>
    /// gx = gy ∘ act'(x). ReLU, ELU, sigmoid and tanh read the saved output <paramref name="y"/>; GELU reads the
    /// input <paramref name="x"/> (pass whichever the activation needs; the other may be empty). gx may alias gy.
    /// </summary>
    public static unsafe void Backward(Activation act, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy,
        Span<float> gx)
    {
        int n = gy.Length;
        bool needX = act == Activation.Gelu, needY = act != Activation.Gelu && act != Activation.None;
        if (n < ParallelSlabs.Threshold || gx.Length < n || (needX && x.Length < n) || (needY && y.Length < n))
        {
            Backward(act, x, y, gy, gx, SimdPaths.Best);
            return;
        }
        fixed (float* px = x, py = y, pgy = gy, pgx = gx)
        {
            nint ix = (nint)px, iy = (nint)py, igy = (nint)pgy, igx = (nint)pgx;
            ParallelSlabs.For((n + Chunk - 1) / Chunk, n, (c0, c1) =>
            {
                int start = c0 * Chunk, len = Math.Min(n, c1 * Chunk) - start;
                Backward(act,
                    needX ? new ReadOnlySpan<float>((float*)ix + start, len) : default,
                    needY ? new ReadOnlySpan<float>((float*)iy + start, len) : default,
                    new ReadOnlySpan<float>((float*)igy + start, len), new Span<float>((float*)igx + start, len),
                    SimdPaths.Best);
            });
        }
    }

    /// <summary>As the public overload on the given vector path (16 lanes on AVX-512, 8 on AVX2, scalar).</summary>
    internal static void Backward(Activation act, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> gy,
        Span<float> gx, SimdPath path)
    {
        if (gx.Length < gy.Length) throw new ArgumentException("ActivationKernels: gradient output shorter than input");
        int n = gy.Length;
        switch (act)
        {
            case Activation.None: gy.CopyTo(gx); return;
            case Activation.Gelu: Need(x, n); GeluBackward(x, gy, gx, path); return;
        }
        Need(y, n);
        switch (act)
        {
            case Activation.Relu: ReluBackward(y, gy, gx, path); break;
            case Activation.Elu: EluBackward(y, gy, gx, path); break;
            case Activation.Sigmoid: SigmoidBackward(y, gy, gx, path); break;
            case Activation.Tanh: TanhBackward(y, gy, gx, path); break;
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

    /// <summary>Runs <paramref name="kernel"/>'s vector body on <paramref name="path"/>'s width over the whole
    /// vectors of n values and returns where the scalar tail starts (0 on the scalar path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int Vectorised<TK>(SimdPath path, int n, in TK kernel) where TK : struct, ILaneKernel, allows ref struct => path switch
    {
        SimdPath.Avx512 => kernel.Run<Lanes512, Vector512<float>>(n),
        SimdPath.Avx2Fma => kernel.Run<Lanes256, Vector256<float>>(n),
        _ => 0,
    };

    /// <summary>An element-wise kernel's vector body, generic over the width.</summary>
    interface ILaneKernel
    {
        /// <summary>Processes whole vectors from 0 and returns the count done.</summary>
        int Run<TL, TV>(int n) where TL : IVectorLanes<TV> where TV : struct;
    }

    static void EluForward(ReadOnlySpan<float> x, Span<float> y, SimdPath path)
    {
        for (int i = Vectorised(path, x.Length, new EluForwardBody(x, y)); i < x.Length; i++)
            y[i] = x[i] > 0 ? x[i] : MathF.Exp(x[i]) - 1f;
    }

    readonly ref struct EluForwardBody(ReadOnlySpan<float> x, Span<float> y) : ILaneKernel
    {
        readonly ReadOnlySpan<float> _x = x; readonly Span<float> _y = y;
        public int Run<TL, TV>(int n) where TL : IVectorLanes<TV> where TV : struct
        {
            TV one = TL.Splat(1f), zero = TL.Splat(0f);
            int i = 0;
            for (; i + TL.Count <= n; i += TL.Count)
            {
                TV v = TL.Load(_x, i);
                TL.Store(TL.WherePositive(v, v, TL.Sub(TL.Exp(TL.Min(v, zero)), one)), _y, i);
            }
            return i;
        }
    }

    static void EluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx, SimdPath path)
    {
        // y > 0 ⇔ x > 0; below zero, d/dx (eˣ − 1) = eˣ = y + 1.
        for (int i = Vectorised(path, gy.Length, new SavedOutputBody(Activation.Elu, y, gy, gx)); i < gy.Length; i++)
            gx[i] = gy[i] * (y[i] > 0 ? 1f : y[i] + 1f);
    }

    static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx, SimdPath path)
    {
        for (int i = Vectorised(path, gy.Length, new SavedOutputBody(Activation.Relu, y, gy, gx)); i < gy.Length; i++)
            gx[i] = y[i] > 0 ? gy[i] : 0f;
    }

    static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx, SimdPath path)
    {
        for (int i = Vectorised(path, gy.Length, new SavedOutputBody(Activation.Sigmoid, y, gy, gx)); i < gy.Length; i++)
            gx[i] = gy[i] * y[i] * (1f - y[i]);
    }

    static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx, SimdPath path)
    {
        for (int i = Vectorised(path, gy.Length, new SavedOutputBody(Activation.Tanh, y, gy, gx)); i < gy.Length; i++)
            gx[i] = gy[i] * (1f - y[i] * y[i]);
    }

    /// <summary>gx = gy ∘ act'(x) from the saved output y, for the activations whose derivative y gives.</summary>
    readonly ref struct SavedOutputBody(Activation act, ReadOnlySpan<float> y, ReadOnlySpan<float> gy, Span<float> gx) : ILaneKernel
    {
        readonly ReadOnlySpan<float> _y = y, _gy = gy; readonly Span<float> _gx = gx;
        public int Run<TL, TV>(int n) where TL : IVectorLanes<TV> where TV : struct
        {
            TV one = TL.Splat(1f), zero = TL.Splat(0f);
            int i = 0;
            for (; i + TL.Count <= n; i += TL.Count)
            {
                TV yv = TL.Load(_y, i), g = TL.Load(_gy, i);
                TV r = act switch
                {
                    Activation.Relu => TL.WherePositive(yv, g, zero),
                    Activation.Elu => TL.Mul(g, TL.WherePositive(yv, one, TL.Add(yv, one))),
                    Activation.Sigmoid => TL.Mul(TL.Mul(g, yv), TL.Sub(one, yv)),
                    _ => TL.Mul(g, TL.Sub(one, TL.Mul(yv, yv))), // tanh
                };
                TL.Store(r, _gx, i);
            }
            return i;
        }
    }

    const float InvSqrt2 = 0.70710678118654752f;
    const float InvSqrt2Pi = 0.39894228040143268f;

    static void GeluForward(ReadOnlySpan<float> x, Span<float> y, SimdPath path)
    {
        for (int i = Vectorised(path, x.Length, new GeluBody(x, default, y)); i < x.Length; i++)
            y[i] = 0.5f * x[i] * (1f + ErfScalar(x[i] * InvSqrt2));
    }

    static void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gx, SimdPath path)
    {
        // d/dx x·Φ(x) = Φ(x) + x·φ(x)
        for (int i = Vectorised(path, gy.Length, new GeluBody(x, gy, gx)); i < gy.Length; i++)
        {
            float v = x[i];
            gx[i] = gy[i] * (0.5f * (1f + ErfScalar(v * InvSqrt2)) + v * InvSqrt2Pi * MathF.Exp(-0.5f * v * v));
        }
    }

    /// <summary>GELU forward (gy empty: output x·Φ(x)) or backward (output gy ∘ (Φ(x) + x·φ(x))).</summary>
    readonly ref struct GeluBody(ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> output) : ILaneKernel
    {
        readonly ReadOnlySpan<float> _x = x, _gy = gy; readonly Span<float> _out = output;
        public int Run<TL, TV>(int n) where TL : IVectorLanes<TV> where TV : struct
        {
            TV half = TL.Splat(0.5f), one = TL.Splat(1f), s = TL.Splat(InvSqrt2);
            TV c = TL.Splat(InvSqrt2Pi), mhalf = TL.Splat(-0.5f);
            bool backward = !_gy.IsEmpty;
            int i = 0;
            for (; i + TL.Count <= n; i += TL.Count)
            {
                TV v = TL.Load(_x, i);
                // e^(−x²/2) is both the Gaussian density's factor and the exponential inside erf(x/√2): one exp.
                TV e = TL.Exp(TL.Mul(TL.Mul(mhalf, v), v));
                TV erf = ErfGivenExp<TL, TV>(TL.Mul(v, s), e);
                TV r = backward
                    ? TL.Mul(TL.Load(_gy, i), TL.Add(TL.Mul(half, TL.Add(one, erf)), TL.Mul(TL.Mul(v, c), e)))
                    : TL.Mul(TL.Mul(half, v), TL.Add(one, erf));
                TL.Store(r, _out, i);
            }
            return i;
        }
    }

    // erf by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7): erf(x) = 1 − (a₁t + … + a₅t⁵)·e^(−x²), t = 1/(1 + p·x).
    const float P = 0.3275911f, A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f,
        A5 = 1.061405429f;

    /// <summary>erf(x) given e = e^(−x²), computed by the caller (who may need it too).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV ErfGivenExp<TL, TV>(TV x, TV e) where TL : IVectorLanes<TV> where TV : struct
    {
        TV ax = TL.Abs(x), one = TL.Splat(1f);
        TV t = TL.Div(one, TL.Add(one, TL.Mul(TL.Splat(P), ax)));
        TV poly = TL.Splat(A5);
        poly = TL.Add(TL.Mul(poly, t), TL.Splat(A4));
        poly = TL.Add(TL.Mul(poly, t), TL.Splat(A3));
        poly = TL.Add(TL.Mul(poly, t), TL.Splat(A2));
        poly = TL.Add(TL.Mul(poly, t), TL.Splat(A1));
        return TL.CopySign(TL.Sub(one, TL.Mul(TL.Mul(poly, t), e)), x);
    }

    static float ErfScalar(float x)
    {
        float ax = MathF.Abs(x), t = 1f / (1f + P * ax);
        float poly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
        return MathF.CopySign(1f - poly * MathF.Exp(-ax * ax), x);
    }
}
