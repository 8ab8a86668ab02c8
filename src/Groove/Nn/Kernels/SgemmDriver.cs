using System.Runtime.CompilerServices;
using System.Buffers;

namespace Groove.Nn.Kernels;

/// <summary>
/// The single-threaded blocked loop nest of <see cref="Sgemm"/> (BLIS order: jc over NC columns, pc over KC depth,
/// ic over MC rows, then jr/ir over micro-tiles), with the packed panels in pooled buffers. Generic over the
/// micro-kernel (an <see cref="ISgemmTile"/>: MR, NR and the tile) and over where the operands come from, so that each
/// combination is compiled with its tile size as a constant.
/// </summary>
internal static class SgemmDriver
{
    /// <summary>Depth of a packed panel (a KC×16 micro-panel of B is 32 KiB, about L1). Tuned on Zen 3: KC 512 beat
    /// 256 by ~8% per CPU-second on SGEMM 1024³ (bench/engine "sgemm-cpu").</summary>
    internal const int KC = 512;

    /// <summary>Rows of a packed A block: MC×KC floats (192 KiB) stay in L2 (a multiple of both tiles' MR).</summary>
    internal const int MC = 96;

    /// <summary>Columns of a packed B panel (KC×NC floats, ≈ 8 MiB, live in L3; a multiple of both tiles' NR).</summary>
    internal const int NC = 4064;

    /// <summary>C = op(A)·op(B) + beta·C on dense row-major matrices (alpha is applied while packing A).</summary>
    public static unsafe void Run(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, SimdPath path)
    {
        var pa = new DenseA(transA, a, lda, alpha);
        var pb = new DenseB(transB, b, ldb);
        Run(pa, pb, m, n, k, beta, c, ldc, path);
    }

    /// <summary>C = A·B + beta·C for any operand sources, on the given path.</summary>
    public static unsafe void Run<TA, TB>(in TA a, in TB b, int m, int n, int k, float beta, float* c, int ldc,
        SimdPath path) where TA : struct, ISgemmPackA where TB : struct, ISgemmPackB
    {
        switch (path)
        {
            case SimdPath.Avx512: Run<SgemmTileAvx512, TA, TB>(a, b, m, n, k, beta, c, ldc); break;
            case SimdPath.Avx2Fma: Run<SgemmTileAvx2, TA, TB>(a, b, m, n, k, beta, c, ldc); break;
            default: Run<SgemmTileScalar, TA, TB>(a, b, m, n, k, beta, c, ldc); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void Run<TK, TA, TB>(in TA a, in TB b, int m, int n, int k, float beta, float* c, int ldc)
        where TK : struct, ISgemmTile where TA : struct, ISgemmPackA where TB : struct, ISgemmPackB
    {
        int mr = TK.MR, nr = TK.NR;
        int kcMax = Math.Min(k, KC);
        int mcMax = RoundUp(Math.Min(m, MC), mr);
        int ncMax = RoundUp(Math.Min(n, NC), nr);
        // 16 spare floats per buffer to align the packed panels to 64 bytes, plus the packer's slack.
        float[] aBuf = ArrayPool<float>.Shared.Rent(mcMax * kcMax + 16 + SgemmPacking.Slack);
        float[] bBuf = ArrayPool<float>.Shared.Rent(ncMax * kcMax + 16);
        try
        {
            fixed (float* aRaw = aBuf)
            fixed (float* bRaw = bBuf)
            {
                float* ap = Align64(aRaw);
                float* bp = Align64(bRaw);
                for (int jc = 0; jc < n; jc += NC)
                {
                    int nc = Math.Min(NC, n - jc);
                    for (int pc = 0; pc < k; pc += KC)
                    {
                        int kc = Math.Min(KC, k - pc);
                        float betaBlock = pc == 0 ? beta : 1f;
                        b.Pack<TK>(pc, jc, kc, nc, bp);
                        for (int ic = 0; ic < m; ic += MC)
                        {
                            int mc = Math.Min(MC, m - ic);
                            a.Pack<TK>(ic, pc, mc, kc, ap);
                            MacroKernel<TK>(mc, nc, kc, ap, bp, c + (long)ic * ldc + jc, ldc, betaBlock);
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
    internal static unsafe void MacroKernel<TK>(int mc, int nc, int kc, float* ap, float* bp, float* c, int ldc, float beta)
        where TK : struct, ISgemmTile
    {
        int MR = TK.MR, NR = TK.NR;
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
                    TK.Tile(kc, aPanel, bPanel, cTile, ldc, beta);
                    continue;
                }
                // Edge tile: compute the full (zero-padded) tile aside, then merge the valid part. The merge is a
                // fused multiply-add as in the tiles' own store, so an element's value does not depend on whether it
                // fell in an edge tile (whose extent depends on MR and NR) or a full one.
                TK.Tile(kc, aPanel, bPanel, tile, NR, 0f);
                for (int i = 0; i < mr; i++)
                {
                    float* src = tile + i * NR;
                    float* dst = cTile + (long)i * ldc;
                    if (beta == 0)
                        for (int j = 0; j < nr; j++) dst[j] = src[j];
                    else if (beta == 1)
                        for (int j = 0; j < nr; j++) dst[j] = src[j] + dst[j];
                    else
                        for (int j = 0; j < nr; j++) dst[j] = MathF.FusedMultiplyAdd(dst[j], beta, src[j]);
                }
            }
        }
    }

    internal static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    internal static unsafe float* Align64(float* p) => (float*)(((nint)p + 63) & ~(nint)63);
}
