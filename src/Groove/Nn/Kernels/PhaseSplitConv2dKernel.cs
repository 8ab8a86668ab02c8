using System.Buffers;
using System.Runtime.CompilerServices;

namespace Groove.Nn.Kernels;

/// <summary>
/// <see cref="IConv2dKernel"/> for dense stride-2 convolutions with few channels (Tile2Vec's 7×7/2 stem over one
/// channel), run as stride-1 convolutions by <see cref="DirectConv2dKernel"/>.
/// The input is split into its four phases (even/odd rows × even/odd columns, with the zero padding written out:
/// "space-to-depth"), P[(a, b, c), u, v] = x[c, 2u + a − padTop, 2v + b − padLeft], so that
/// y[o, i, j] = Σ over taps w[o, c, 2s + a, 2t + b] · P[(a, b, c), i + s, j + t]: a valid stride-1 convolution of
/// 4·Cin channels with a ⌈Kh/2⌉ × ⌈Kw/2⌉ kernel whose taps past the original kernel are zero. The data gradient of
/// that convolution is the gradient of the phase images, which maps back onto the input element by element (each
/// input element is in exactly one phase); its weight gradient maps back onto the original taps. Taken only where
/// the zero taps add at most half the work (kernels of 5×5 and up: 7×7 computes 64 taps for 49; a 3×3 would compute
/// 16 for 9, slower than im2col in bench/engine's smallconv-profile).
/// </summary>
internal sealed unsafe class PhaseSplitConv2dKernel(SimdPath path, int maxThreads) : IConv2dKernel
{
    /// <summary>The kernel on the start-up SIMD path, using every core.</summary>
    public PhaseSplitConv2dKernel() : this(SimdPaths.Best, Environment.ProcessorCount) { }

    readonly DirectConv2dKernel _direct = new(path, maxThreads);

    public bool Supports(in Conv2dGeometry g) =>
        g.Groups == 1 && g.StrideH == 2 && g.StrideW == 2 && g.DilationH == 1 && g.DilationW == 1
        && 2 * 4 * ((g.Kh + 1) / 2) * ((g.Kw + 1) / 2) <= 3 * g.Kh * g.Kw
        && (long)g.N * 4 * g.Cin * (g.Hout + g.Kh / 2) * (g.Wout + g.Kw / 2) < int.MaxValue / 2
        && _direct.Supports(PhaseGeometry(g));

    /// <summary>The stride-1 convolution over the phase images: valid (no padding), output as the original.</summary>
    internal static Conv2dGeometry PhaseGeometry(in Conv2dGeometry g)
    {
        int kh = (g.Kh + 1) / 2, kw = (g.Kw + 1) / 2;
        return new Conv2dGeometry(g.N, 4 * g.Cin, g.Hout + kh - 1, g.Wout + kw - 1, g.Cout, kh, kw, 1, 1, 1, 1, 0, 0,
            g.Hout, g.Wout, 1);
    }

    public void Forward(in Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y)
    {
        var pg = PhaseGeometry(g);
        using var s = new Scratch(pg);
        SplitPhases(g, pg, x, s.Phases);
        SplitWeights(g, pg, w, s.Weights);
        _direct.Forward(pg, s.Phases, s.Weights, bias, y);
    }

    public void BackwardData(in Conv2dGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx)
    {
        var pg = PhaseGeometry(g);
        using var s = new Scratch(pg);
        SplitWeights(g, pg, w, s.Weights);
        _direct.BackwardData(pg, gy, s.Weights, s.Phases);
        MergePhases(g, pg, s.Phases, gx);
    }

    public void BackwardWeight(in Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gw, Span<float> gb)
    {
        var pg = PhaseGeometry(g);
        using var s = new Scratch(pg);
        SplitPhases(g, pg, x, s.Phases);
        _direct.BackwardWeight(pg, s.Phases, gy, s.Weights, gb);
        var gpw = s.Weights;
        for (int o = 0; o < g.Cout; o++)
            for (int c = 0; c < g.Cin; c++)
                for (int i = 0; i < g.Kh; i++)
                    for (int j = 0; j < g.Kw; j++)
                        gw[((o * g.Cin + c) * g.Kh + i) * g.Kw + j] = gpw[PhaseTap(g, pg, o, c, i, j)];
    }

    /// <summary>One call's pooled scratch: the phase images (or their gradient) and the phase convolution's weights
    /// (or their gradient).</summary>
    readonly struct Scratch : IDisposable
    {
        readonly float[] _phases, _weights;
        readonly int _phaseLength, _weightLength;

        public Scratch(in Conv2dGeometry pg)
        {
            _phaseLength = pg.N * pg.Cin * pg.InPlane;
            _weightLength = pg.Cout * pg.PatchSize;
            _phases = ArrayPool<float>.Shared.Rent(_phaseLength);
            _weights = ArrayPool<float>.Shared.Rent(_weightLength);
        }

        public Span<float> Phases => _phases.AsSpan(0, _phaseLength);
        public Span<float> Weights => _weights.AsSpan(0, _weightLength);

        public void Dispose()
        {
            ArrayPool<float>.Shared.Return(_phases);
            ArrayPool<float>.Shared.Return(_weights);
        }
    }

    /// <summary>Index in the phase convolution's weights of original tap (o, c, i, j): phase (i mod 2, j mod 2),
    /// tap (i / 2, j / 2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int PhaseTap(in Conv2dGeometry g, in Conv2dGeometry pg, int o, int c, int i, int j) =>
        ((o * pg.Cin + ((i & 1) * 2 + (j & 1)) * g.Cin + c) * pg.Kh + (i >> 1)) * pg.Kw + (j >> 1);

    /// <summary>The phase convolution's weights: the original taps at their phase positions, zeros elsewhere.</summary>
    static void SplitWeights(in Conv2dGeometry g, in Conv2dGeometry pg, ReadOnlySpan<float> w, Span<float> pw)
    {
        pw.Slice(0, pg.Cout * pg.PatchSize).Clear();
        for (int o = 0; o < g.Cout; o++)
            for (int c = 0; c < g.Cin; c++)
                for (int i = 0; i < g.Kh; i++)
                    for (int j = 0; j < g.Kw; j++)
                        pw[PhaseTap(g, pg, o, c, i, j)] = w[((o * g.Cin + c) * g.Kh + i) * g.Kw + j];
    }

    /// <summary>P[n, (a, b, c), u, v] = x[n, c, 2u + a − padTop, 2v + b − padLeft], 0 outside the input.</summary>
    static void SplitPhases(in Conv2dGeometry g, in Conv2dGeometry pg, ReadOnlySpan<float> x, Span<float> phases)
    {
        fixed (float* px = x, pp = phases) Exchange(g, pg, (nint)px, (nint)pp, toPhases: true);
    }

    /// <summary>gx[n, c, r, s] = gP[n, (a, b, c), u, v] for r = 2u + a − padTop, s = 2v + b − padLeft (0 where no
    /// output reads the input element).</summary>
    static void MergePhases(in Conv2dGeometry g, in Conv2dGeometry pg, ReadOnlySpan<float> gPhases, Span<float> gx)
    {
        gx.Slice(0, g.N * g.Cin * g.InPlane).Clear();
        fixed (float* pgx = gx, pp = gPhases) Exchange(g, pg, (nint)pgx, (nint)pp, toPhases: false);
    }

    /// <summary>Copies between an image and its phase images, one phase plane per item, planes spread over the
    /// cores: to the phases (zeros where a phase position falls in the padding), or back (phase positions in the
    /// padding are dropped; each image element is written by exactly one phase plane).</summary>
    static void Exchange(Conv2dGeometry g, Conv2dGeometry pg, nint image, nint phases, bool toPhases)
    {
        int planes = pg.N * pg.Cin;
        ParallelSlabs.For(planes, (long)planes * pg.InPlane, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                int n = p / pg.Cin, phase = p % pg.Cin / g.Cin, c = p % g.Cin;
                int a = phase >> 1, b = phase & 1;
                float* img = (float*)image + ((long)n * g.Cin + c) * g.InPlane;
                float* ph = (float*)phases + (long)p * pg.InPlane;
                for (int u = 0; u < pg.H; u++)
                {
                    float* prow = ph + (long)u * pg.W;
                    int r = 2 * u + a - g.PadTop;
                    bool rowInside = (uint)r < (uint)g.H;
                    if (!rowInside)
                    {
                        if (toPhases) new Span<float>(prow, pg.W).Clear();
                        continue;
                    }
                    float* irow = img + (long)r * g.W;
                    for (int v = 0; v < pg.W; v++)
                    {
                        int s = 2 * v + b - g.PadLeft;
                        bool inside = (uint)s < (uint)g.W;
                        if (toPhases) prow[v] = inside ? irow[s] : 0f;
                        else if (inside) irow[s] = prow[v];
                    }
                }
            }
        });
    }
}
