using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Groove.Nn.Kernels;

/// <summary>
/// The register-blocked inner kernel of <see cref="Sgemm"/>: one MR×NR tile of C from a packed A micro-panel
/// (kc steps of MR values) and a packed B micro-panel (kc steps of NR values), C = acc + beta·C.
/// </summary>
internal static class SgemmMicroKernel
{
    /// <summary>Rows of C per tile.</summary>
    public const int MR = 6;

    /// <summary>Columns of C per tile (two 8-lane AVX vectors).</summary>
    public const int NR = 16;

    /// <summary>Whether the AVX2/FMA kernel can run on this CPU.</summary>
    public static bool IsAccelerated => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>
    /// 6×16 tile with twelve 256-bit accumulators (two per row); each k step loads two vectors of B, broadcasts
    /// six values of A and issues twelve FMAs. <paramref name="b"/> must be 32-byte aligned.
    /// (<see cref="SgemmTileAvx2"/> wraps it for the generic driver.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Tile6x16Fma(int kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        Vector256<float> c00 = Vector256<float>.Zero, c01 = Vector256<float>.Zero;
        Vector256<float> c10 = Vector256<float>.Zero, c11 = Vector256<float>.Zero;
        Vector256<float> c20 = Vector256<float>.Zero, c21 = Vector256<float>.Zero;
        Vector256<float> c30 = Vector256<float>.Zero, c31 = Vector256<float>.Zero;
        Vector256<float> c40 = Vector256<float>.Zero, c41 = Vector256<float>.Zero;
        Vector256<float> c50 = Vector256<float>.Zero, c51 = Vector256<float>.Zero;
        // Fetch the tile's rows of C (a new page each, not in L1) while the k loop runs, instead of stalling on them
        // in the stores at the end.
        for (int r = 0; r < MR; r++)
        {
            Sse.Prefetch0(c + r * ldc);
            Sse.Prefetch0(c + r * ldc + NR - 1);
        }

        int p = 0;
        for (; p + 2 <= kc; p += 2)
        {
            Vector256<float> b0 = Avx.LoadAlignedVector256(b);
            Vector256<float> b1 = Avx.LoadAlignedVector256(b + 8);
            Vector256<float> av = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(av, b0, c00); c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(av, b0, c10); c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(av, b0, c20); c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(av, b0, c30); c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Avx.BroadcastScalarToVector256(a + 4);
            c40 = Fma.MultiplyAdd(av, b0, c40); c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Avx.BroadcastScalarToVector256(a + 5);
            c50 = Fma.MultiplyAdd(av, b0, c50); c51 = Fma.MultiplyAdd(av, b1, c51);

            b0 = Avx.LoadAlignedVector256(b + 16);
            b1 = Avx.LoadAlignedVector256(b + 24);
            av = Avx.BroadcastScalarToVector256(a + 6);
            c00 = Fma.MultiplyAdd(av, b0, c00); c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Avx.BroadcastScalarToVector256(a + 7);
            c10 = Fma.MultiplyAdd(av, b0, c10); c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Avx.BroadcastScalarToVector256(a + 8);
            c20 = Fma.MultiplyAdd(av, b0, c20); c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Avx.BroadcastScalarToVector256(a + 9);
            c30 = Fma.MultiplyAdd(av, b0, c30); c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Avx.BroadcastScalarToVector256(a + 10);
            c40 = Fma.MultiplyAdd(av, b0, c40); c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Avx.BroadcastScalarToVector256(a + 11);
            c50 = Fma.MultiplyAdd(av, b0, c50); c51 = Fma.MultiplyAdd(av, b1, c51);
            a += 2 * MR;
            b += 2 * NR;
        }
        if (p < kc)
        {
            Vector256<float> b0 = Avx.LoadAlignedVector256(b);
            Vector256<float> b1 = Avx.LoadAlignedVector256(b + 8);
            Vector256<float> av = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(av, b0, c00); c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(av, b0, c10); c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(av, b0, c20); c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(av, b0, c30); c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Avx.BroadcastScalarToVector256(a + 4);
            c40 = Fma.MultiplyAdd(av, b0, c40); c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Avx.BroadcastScalarToVector256(a + 5);
            c50 = Fma.MultiplyAdd(av, b0, c50); c51 = Fma.MultiplyAdd(av, b1, c51);
        }

        Store(c, c00, c01, beta);
        Store(c + ldc, c10, c11, beta);
        Store(c + 2 * ldc, c20, c21, beta);
        Store(c + 3 * ldc, c30, c31, beta);
        Store(c + 4 * ldc, c40, c41, beta);
        Store(c + 5 * ldc, c50, c51, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Store(float* c, Vector256<float> lo, Vector256<float> hi, float beta)
    {
        if (beta == 0)
        {
            Avx.Store(c, lo);
            Avx.Store(c + 8, hi);
        }
        else if (beta == 1)
        {
            Avx.Store(c, Avx.Add(lo, Avx.LoadVector256(c)));
            Avx.Store(c + 8, Avx.Add(hi, Avx.LoadVector256(c + 8)));
        }
        else
        {
            Vector256<float> bv = Vector256.Create(beta);
            Avx.Store(c, Fma.MultiplyAdd(Avx.LoadVector256(c), bv, lo));
            Avx.Store(c + 8, Fma.MultiplyAdd(Avx.LoadVector256(c + 8), bv, hi));
        }
    }

    /// <summary>Portable 6×16 tile for CPUs without AVX2/FMA (same packed layout, same result contract).</summary>
    public static unsafe void Tile6x16Scalar(int kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        float* acc = stackalloc float[MR * NR];
        new Span<float>(acc, MR * NR).Clear();
        for (int p = 0; p < kc; p++, a += MR, b += NR)
            for (int i = 0; i < MR; i++)
            {
                float ai = a[i];
                float* row = acc + i * NR;
                for (int j = 0; j < NR; j++) row[j] += ai * b[j];
            }
        for (int i = 0; i < MR; i++)
        {
            float* ci = c + i * ldc;
            float* row = acc + i * NR;
            for (int j = 0; j < NR; j++) ci[j] = beta == 0 ? row[j] : row[j] + beta * ci[j];
        }
    }
}
