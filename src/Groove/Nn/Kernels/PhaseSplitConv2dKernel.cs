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
        float[] phases = ArrayPool<float>.Shared.Rent(pg.N * pg.Cin * pg.InPlane);
        float[] pw = ArrayPool<float>.Shared.Rent(pg.Cout * pg.PatchSize);
        try
        {
            SplitPhases(g, pg, x, phases);
            SplitWeights(g, pg, w, pw);
            _direct.Forward(pg, phases.AsSpan(0, pg.N * pg.Cin * pg.InPlane), pw.AsSpan(0, pg.Cout * pg.PatchSize), bias, y);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(phases);
            ArrayPool<float>.Shared.Return(pw);
        }
    }

    public void BackwardData(in Conv2dGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx)
    {
        var pg = PhaseGeometry(g);
        float[] gPhases = ArrayPool<float>.Shared.Rent(pg.N * pg.Cin * pg.InPlane);
        float[] pw = ArrayPool<float>.Shared.Rent(pg.Cout * pg.PatchSize);
        try
        {
            SplitWeights(g, pg, w, pw);
            _direct.BackwardData(pg, gy, pw.AsSpan(0, pg.Cout * pg.PatchSize), gPhases.AsSpan(0, pg.N * pg.Cin * pg.InPlane));
            MergePhases(g, pg, gPhases, gx);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(gPhases);
            ArrayPool<float>.Shared.Return(pw);
        }
    }

    public void BackwardWeight(in Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gw, Span<float> gb)
    {
        var pg = PhaseGeometry(g);
        float[] phases = ArrayPool<float>.Shared.Rent(pg.N * pg.Cin * pg.InPlane);
        float[] gpw = ArrayPool<float>.Shared.Rent(pg.Cout * pg.PatchSize);
        try
        {
            SplitPhases(g, pg, x, phases);
            _direct.BackwardWeight(pg, phases.AsSpan(0, pg.N * pg.Cin * pg.InPlane), gy, gpw.AsSpan(0, pg.Cout * pg.PatchSize), gb);
            for (int o = 0; o < g.Cout; o++)
                for (int c = 0; c < g.Cin; c++)
                    for (int i = 0; i < g.Kh; i++)
                        for (int j = 0; j < g.Kw; j++)
                            gw[((o * g.Cin + c) * g.Kh + i) * g.Kw + j] =
                                gpw[PhaseTap(g, pg, o, c, i, j)];
        }
        finally
        {
            ArrayPool<float>.Shared.Return(phases);
            ArrayPool<float>.Shared.Return(gpw);
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

    /// <summary>P[n, (a, b, c), u, v] = x[n, c, 2u + a − padTop, 2v + b − padLeft], 0 outside the input; planes
    /// spread over the cores.</summary>
    static void SplitPhases(in Conv2dGeometry geometry, in Conv2dGeometry phaseGeometry, ReadOnlySpan<float> x, float[] phases)
    {
        var g = geometry; var pg = phaseGeometry;
        fixed (float* px = x, pp = phases)
        {
            nint ix = (nint)px, ip = (nint)pp;
            int planes = pg.N * pg.Cin;
            ParallelSlabs.For(planes, (long)planes * pg.InPlane, (p0, p1) =>
            {
                for (int p = p0; p < p1; p++)
                {
                    int n = p / pg.Cin, phase = p % pg.Cin / g.Cin, c = p % g.Cin;
                    int a = phase >> 1, b = phase & 1;
                    float* src = (float*)ix + ((long)n * g.Cin + c) * g.InPlane;
                    float* dst = (float*)ip + (long)p * pg.InPlane;
                    for (int u = 0; u < pg.H; u++)
                    {
                        float* drow = dst + (long)u * pg.W;
                        int r = 2 * u + a - g.PadTop;
                        if ((uint)r >= (uint)g.H) { new Span<float>(drow, pg.W).Clear(); continue; }
                        float* srow = src + (long)r * g.W;
                        for (int v = 0; v < pg.W; v++)
                        {
                            int s = 2 * v + b - g.PadLeft;
                            drow[v] = (uint)s < (uint)g.W ? srow[s] : 0f;
                        }
                    }
                }
            });
        }
    }

    /// <summary>gx[n, c, r, s] = gP[n, (a, b, c), u, v] for r = 2u + a − padTop, s = 2v + b − padLeft (0 where no
    /// output reads the input element); planes spread over the cores.</summary>
    static void MergePhases(in Conv2dGeometry geometry, in Conv2dGeometry phaseGeometry, float[] gPhases, Span<float> gx)
    {
        var g = geometry; var pg = phaseGeometry;
        fixed (float* pgx = gx, pp = gPhases)
        {
            nint igx = (nint)pgx, ip = (nint)pp;
            int planes = g.N * g.Cin;
            ParallelSlabs.For(planes, (long)planes * g.InPlane, (p0, p1) =>
            {
                for (int p = p0; p < p1; p++)
                {
                    int n = p / g.Cin, c = p % g.Cin;
                    float* dst = (float*)igx + (long)p * g.InPlane;
                    for (int r = 0; r < g.H; r++)
                    {
                        int u = (r + g.PadTop) >> 1, a = (r + g.PadTop) & 1;
                        float* drow = dst + (long)r * g.W;
                        if (u >= pg.H) { new Span<float>(drow, g.W).Clear(); continue; }
                        for (int s = 0; s < g.W; s++)
                        {
                            int v = (s + g.PadLeft) >> 1, b = (s + g.PadLeft) & 1;
                            drow[s] = v < pg.W
                                ? ((float*)ip)[(((long)n * pg.Cin + (a * 2 + b) * g.Cin + c) * pg.H + u) * pg.W + v]
                                : 0f;
                        }
                    }
                }
            });
        }
    }
}
