using System.Runtime.CompilerServices;

namespace Groove.Nn.Kernels;

/// <summary>The backward pass of any max pooling that recorded its winners: each output's gradient is added to the
/// input element that won its window (an index within the plane; negative = an empty window, no gradient).</summary>
internal static class MaxPoolBackward
{
    /// <summary>gx[p, arg[p, o]] += g[p, o] for every plane p and output o; gx is accumulated into.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Scatter(ReadOnlySpan<float> g, ReadOnlySpan<int> arg, Span<float> gx, int planes, int inPlane, int outPlane)
    {
        if (g.Length < (long)planes * outPlane || arg.Length < (long)planes * outPlane || gx.Length < (long)planes * inPlane)
            throw new ArgumentException("MaxPoolBackward: a span is shorter than the shape needs");
        fixed (float* pg = g, pgx = gx)
        fixed (int* pa = arg)
            for (long p = 0; p < planes; p++)
            {
                float* gp = pg + p * outPlane, gxp = pgx + p * inPlane;
                int* ap = pa + p * outPlane;
                for (int o = 0; o < outPlane; o++)
                {
                    int a = ap[o];
                    if ((uint)a < (uint)inPlane) gxp[a] += gp[o];
                }
            }
    }
}
