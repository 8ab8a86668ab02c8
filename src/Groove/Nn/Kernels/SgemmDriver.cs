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
