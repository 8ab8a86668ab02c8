using System.Runtime.CompilerServices;
using System.Buffers;

namespace Groove.Nn.Kernels;

/// <summary>
/// The single-threaded blocked loop nest of <see cref="Sgemm"/> (BLIS order: jc over NC columns, pc over KC depth,
/// ic over MC rows, then jr/ir over micro-tiles), with the packed panels in pooled buffers.
/// </summary>
internal static class SgemmDriver
{
    /// <summary>Depth of a packed panel (a KC×NR micro-panel of B is 32 KiB, about L1). Tuned on Zen 3: KC 512 beat
    /// 256 by ~8% per CPU-second on SGEMM 1024³ (bench/engine "sgemm-cpu").</summary>
    internal const int KC = 512;

    /// <summary>Rows of a packed A block: MC×KC floats (192 KiB) stay in L2.</summary>
    internal const int MC = 96;

    /// <summary>Columns of a packed B panel (KC×NC floats, ≈ 8 MiB, live in L3).</summary>
    internal const int NC = 4080;

    const int MR = SgemmMicroKernel.MR;
    const int NR = SgemmMicroKernel.NR;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, bool useSimd)
    {
        int kcMax = Math.Min(k, KC);
        int mcMax = RoundUp(Math.Min(m, MC), MR);
        int ncMax = RoundUp(Math.Min(n, NC), NR);
        // 8 spare floats per buffer to align the packed panels to 32 bytes, plus the packer's slack.
        float[] aBuf = ArrayPool<float>.Shared.Rent(mcMax * kcMax + 8 + SgemmPacking.Slack);
        float[] bBuf = ArrayPool<float>.Shared.Rent(ncMax * kcMax + 8);
        try
        {
            fixed (float* aRaw = aBuf)
            fixed (float* bRaw = bBuf)
            {
                float* ap = Align32(aRaw);
                float* bp = Align32(bRaw);
                for (int jc = 0; jc < n; jc += NC)
                {
                    int nc = Math.Min(NC, n - jc);
                    for (int pc = 0; pc < k; pc += KC)
                    {
                        int kc = Math.Min(KC, k - pc);
                        float betaBlock = pc == 0 ? beta : 1f;
                        SgemmPacking.PackB(transB, b, ldb, pc, jc, kc, nc, bp);
                        for (int ic = 0; ic < m; ic += MC)
                        {
                            int mc = Math.Min(MC, m - ic);
                            SgemmPacking.PackA(transA, a, lda, ic, pc, mc, kc, alpha, ap);
                            MacroKernel(mc, nc, kc, ap, bp, c + (long)ic * ldc + jc, ldc, betaBlock, useSimd);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(aBuf);
            ArrayPool<float>.Shared.Return(bBuf);
        }
    }

    /// <summary>
    /// The same loop nest on <paramref name="threads"/> threads that share each packed B panel: the threads pack
    /// disjoint slivers of it, then each multiplies its own contiguous slab of rows (packing its own A blocks).
    /// Used when rows are split, so B is packed once instead of once per thread.
    /// </summary>
    public static unsafe void RunRowsShared(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, bool useSimd, int threads)
    {
        int kcMax = Math.Min(k, KC);
        int ncMax = RoundUp(Math.Min(n, NC), NR);
        int rowUnits = (m + MR - 1) / MR;
        int aStride = RoundUp(MC * kcMax + 8 + SgemmPacking.Slack, 8); // one A block per thread
        float[] aBuf = ArrayPool<float>.Shared.Rent(threads * aStride);
        float[] bBuf = ArrayPool<float>.Shared.Rent(ncMax * kcMax + 8);
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        try
        {
            fixed (float* aRaw = aBuf)
            fixed (float* bRaw = bBuf)
            {
                nint ia = (nint)a, ib = (nint)b, ic0 = (nint)c, iap = (nint)aRaw, ibp = (nint)Align32(bRaw);
                for (int jc = 0; jc < n; jc += NC)
                {
                    int nc = Math.Min(NC, n - jc);
                    int slivers = (nc + NR - 1) / NR;
                    for (int pc = 0; pc < k; pc += KC)
                    {
                        int kc = Math.Min(KC, k - pc);
                        float betaBlock = pc == 0 ? beta : 1f;
                        int jcb = jc, pcb = pc;
                        Parallel.For(0, threads, options, t =>
                        {
                            int s0 = (int)((long)slivers * t / threads), s1 = (int)((long)slivers * (t + 1) / threads);
                            if (s0 >= s1) return;
                            int cols = Math.Min(nc, s1 * NR) - s0 * NR;
                            SgemmPacking.PackB(transB, (float*)ib, ldb, pcb, jcb + s0 * NR, kc, cols,
                                (float*)ibp + (long)s0 * NR * kc);
                        });
                        Parallel.For(0, threads, options, t =>
                        {
                            int r0 = (int)((long)rowUnits * t / threads) * MR;
                            int r1 = Math.Min(m, (int)((long)rowUnits * (t + 1) / threads) * MR);
                            float* ap = Align32((float*)iap + (long)t * aStride);
                            for (int ic = r0; ic < r1; ic += MC)
                            {
                                int mc = Math.Min(MC, r1 - ic);
                                SgemmPacking.PackA(transA, (float*)ia, lda, ic, pcb, mc, kc, alpha, ap);
                                MacroKernel(mc, nc, kc, ap, (float*)ibp, (float*)ic0 + (long)ic * ldc + jcb, ldc,
                                    betaBlock, useSimd);
                            }
                        });
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(aBuf);
            ArrayPool<float>.Shared.Return(bBuf);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void MacroKernel(int mc, int nc, int kc, float* ap, float* bp, float* c, int ldc, float beta,
        bool useSimd)
    {
        float* tile = stackalloc float[MR * NR];
        for (int jr = 0; jr < nc; jr += NR)
        {
            int nr = Math.Min(NR, nc - jr);
            float* bPanel = bp + (long)jr * kc;
            for (int ir = 0; ir < mc; ir += MR)
            {
                int mr = Math.Min(MR, mc - ir);
                float* aPanel = ap + (long)ir * kc;
                float* cTile = c + (long)ir * ldc + jr;
                if (mr == MR && nr == NR)
                {
                    if (useSimd) SgemmMicroKernel.Tile6x16Fma(kc, aPanel, bPanel, cTile, ldc, beta);
                    else SgemmMicroKernel.Tile6x16Scalar(kc, aPanel, bPanel, cTile, ldc, beta);
                    continue;
                }
                // Edge tile: compute the full (zero-padded) tile aside, then merge the valid part.
                if (useSimd) SgemmMicroKernel.Tile6x16Fma(kc, aPanel, bPanel, tile, NR, 0f);
                else SgemmMicroKernel.Tile6x16Scalar(kc, aPanel, bPanel, tile, NR, 0f);
                for (int i = 0; i < mr; i++)
                {
                    float* src = tile + i * NR;
                    float* dst = cTile + (long)i * ldc;
                    if (beta == 0)
                        for (int j = 0; j < nr; j++) dst[j] = src[j];
                    else
                        for (int j = 0; j < nr; j++) dst[j] = src[j] + beta * dst[j];
                }
            }
        }
    }

    static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    static unsafe float* Align32(float* p) => (float*)(((nint)p + 31) & ~(nint)31);
}
