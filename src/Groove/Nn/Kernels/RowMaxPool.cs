using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Groove.Nn.Kernels;

/// <summary>
/// Max pooling over non-overlapping groups of k rows of each [H, W] plane (kernel (k, 1), stride (k, 1), no
/// padding): the frequency pooling of Zero-Note Samba's branches. Each output row is the element-wise maximum of k
/// input rows, taken with whole vectors along W, and the winning input index (within the plane) is kept for the
/// backward pass. Ties keep the first row and a NaN wins and stays, as in the general pooling loop (and PyTorch).
/// </summary>
internal static class RowMaxPool
{
    /// <summary>y[p, i, :] = max over r &lt; k of x[p, i·k + r, :]; arg[p, i, c] = (i·k + r*)·W + c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<int> arg, int planes, int h, int w, int k)
    {
        int oh = h / k;
        for (int p = 0; p < planes; p++)
        {
            var xp = x.Slice(p * h * w, h * w);
            for (int i = 0; i < oh; i++)
            {
                var yr = y.Slice((p * oh + i) * w, w);
                var ar = arg.Slice((p * oh + i) * w, w);
                int r0 = i * k;
                xp.Slice(r0 * w, w).CopyTo(yr);
                int c = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
                    for (; c + 8 <= w; c += 8)
                    {
                        var best = Vector256.Create(yr.Slice(c, 8));
                        var bestArg = lane + Vector256.Create(r0 * w + c);
                        for (int r = r0 + 1; r < r0 + k; r++)
                        {
                            var v = Vector256.Create(xp.Slice(r * w + c, 8));
                            var vNaN = ~Vector256.Equals(v, v);
                            var bestNaN = ~Vector256.Equals(best, best);
                            var take = (Vector256.GreaterThan(v, best) | vNaN) & ~bestNaN;
                            best = Vector256.ConditionalSelect(take, v, best);
                            bestArg = Vector256.ConditionalSelect(take.AsInt32(), lane + Vector256.Create(r * w + c), bestArg);
                        }
                        best.CopyTo(yr.Slice(c, 8));
                        bestArg.CopyTo(ar.Slice(c, 8));
                    }
                }
                for (; c < w; c++)
                {
                    float best = yr[c];
                    int bi = r0 * w + c;
                    for (int r = r0 + 1; r < r0 + k && !float.IsNaN(best); r++)
                    {
                        float v = xp[r * w + c];
                        if (v > best || float.IsNaN(v)) { best = v; bi = r * w + c; }
                    }
                    yr[c] = best;
                    ar[c] = bi;
                }
            }
        }
    }
}
