using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Groove.Nn.Kernels;

/// <summary>
/// Max pooling over non-overlapping groups of k columns of each [H, W] plane (kernel (1, k), stride (1, k), no
/// padding): the frequency pooling of the beat TCN's front end, whose planes are [time, bands]. The winning input
/// index (within the plane) is kept for the backward pass. Ties keep the first column and a NaN wins and stays, as in
/// the general pooling loop (and PyTorch). With AVX2, eight windows at a time: the k strided columns are gathered
/// into vectors and compared branch-free (random data makes the scalar comparison mispredict half the time).
/// </summary>
internal static class ColumnMaxPool
{
    /// <summary>y[p, r, j] = max over c &lt; k of x[p, r, j·k + c]; arg[p, r, j] = r·W + j·k + c*.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Forward(ReadOnlySpan<float> x, Span<float> y, Span<int> arg, int planes, int h, int w, int k)
    {
        int ow = w / k;
        if (x.Length < (long)planes * h * w || y.Length < (long)planes * h * ow || arg.Length < y.Length)
            throw new ArgumentException("ColumnMaxPool: a span is shorter than the shape needs");
        fixed (float* px = x, py = y)
        fixed (int* pa = arg)
        {
            long rows = (long)planes * h;
            for (long row = 0; row < rows; row++)
            {
                float* xr = px + row * w;
                float* yr = py + row * ow;
                int* ar = pa + row * ow;
                int rowBase = (int)(row % h) * w;
                int j = 0;
                if (Avx2.IsSupported)
                {
                    var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * k;
                    for (; j + 8 <= ow; j += 8)
                    {
                        float* x0 = xr + j * k;
                        var best = Avx2.GatherVector256(x0, lane, 4);
                        var bestArg = lane;
                        for (int c = 1; c < k; c++)
                        {
                            var v = Avx2.GatherVector256(x0 + c, lane, 4);
                            var vNaN = ~Vector256.Equals(v, v);
                            var bestNaN = ~Vector256.Equals(best, best);
                            var take = (Vector256.GreaterThan(v, best) | vNaN) & ~bestNaN;
                            best = Vector256.ConditionalSelect(take, v, best);
                            bestArg = Vector256.ConditionalSelect(take.AsInt32(), lane + Vector256.Create(c), bestArg);
                        }
                        best.Store(yr + j);
                        (bestArg + Vector256.Create(rowBase + j * k)).Store(ar + j);
                    }
                }
                for (int c0 = j * k; j < ow; j++, c0 += k)
                {
                    float best = xr[c0];
                    int bi = c0;
                    for (int c = c0 + 1; c < c0 + k && !float.IsNaN(best); c++)
                    {
                        float v = xr[c];
                        if (v > best || float.IsNaN(v)) { best = v; bi = c; }
                    }
                    yr[j] = best;
                    ar[j] = rowBase + bi;
                }
            }
        }
    }
}
