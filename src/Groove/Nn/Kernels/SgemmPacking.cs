using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Groove.Nn.Kernels;

/// <summary>
/// Packs blocks of op(A) and op(B) into the micro-panel layout the <see cref="SgemmMicroKernel"/> streams:
/// A as slivers of MR rows (for each k step, MR consecutive values, pre-scaled by alpha), B as slivers of NR columns
/// (for each k step, NR consecutive values). Ragged edges are zero-padded to whole slivers.
/// </summary>
internal static class SgemmPacking
{
    /// <summary>Floats past the packed A block that <see cref="PackA{TK}"/> may scribble on (the buffer must have them).</summary>
    public const int Slack = 8;

    /// <summary>Packs op(A)[ic..ic+mc, pc..pc+kc] · alpha into <paramref name="dst"/> (mc rounded up to MR rows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void PackA<TK>(bool transA, float* a, int lda, int ic, int pc, int mc, int kc, float alpha,
        float* dst) where TK : struct, ISgemmTile
    {
        int MR = TK.MR;
        for (int i0 = 0; i0 < mc; i0 += MR, dst += MR * kc)
        {
            int mr = Math.Min(MR, mc - i0);
            if (transA)
            {
                // Stored k×m: op(A)(i, p) = a[p·lda + i]; each k step is a contiguous run of mr values.
                float* src = a + (long)pc * lda + ic + i0;
                if (mr == 6 && MR == 6)
                {
                    for (int p = 0; p < kc; p++, src += lda)
                    {
                        float* d = dst + p * MR;
                        d[0] = alpha * src[0]; d[1] = alpha * src[1]; d[2] = alpha * src[2];
                        d[3] = alpha * src[3]; d[4] = alpha * src[4]; d[5] = alpha * src[5];
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++, src += lda)
                        for (int i = 0; i < MR; i++) dst[p * MR + i] = i < mr ? alpha * src[i] : 0f;
                }
            }
            else
            {
                // Stored m×k: op(A)(i, p) = a[i·lda + p]; gather across mr rows.
                float* src = a + (long)(ic + i0) * lda + pc;
                int p = 0;
                if (Avx.IsSupported)
                {
                    // 8 k steps at a time: each group of 8 rows of the sliver (rows past mr are zeros) is transposed
                    // in registers and stored as 8 values per k step. A group reaching past MR (the last of 12, or
                    // the only one of 6) spills into the next k step's first values; groups are stored last to
                    // first so that the next ones overwrite the spill (the last k step's spill lands in the next
                    // sliver, written later, or in the buffer's slack).
                    Vector256<float> va = Vector256.Create(alpha);
                    int groups = (MR + 7) / 8;
                    for (; p + 8 <= kc; p += 8)
                    {
                        float* d = dst + p * MR;
                        for (int gi = groups - 1; gi >= 0; gi--)
                        {
                            int row = gi * 8;
                            float* s = src + (long)row * lda + p;
                            Vector256<float> r0 = row < mr ? Avx.Multiply(va, Avx.LoadVector256(s)) : Vector256<float>.Zero;
                            Vector256<float> r1 = row + 1 < mr ? Avx.Multiply(va, Avx.LoadVector256(s + lda)) : Vector256<float>.Zero;
                            Vector256<float> r2 = row + 2 < mr ? Avx.Multiply(va, Avx.LoadVector256(s + 2 * lda)) : Vector256<float>.Zero;
                            Vector256<float> r3 = row + 3 < mr ? Avx.Multiply(va, Avx.LoadVector256(s + 3 * lda)) : Vector256<float>.Zero;
                            Vector256<float> r4 = row + 4 < mr ? Avx.Multiply(va, Avx.LoadVector256(s + 4 * lda)) : Vector256<float>.Zero;
                            Vector256<float> r5 = row + 5 < mr ? Avx.Multiply(va, Avx.LoadVector256(s + 5 * lda)) : Vector256<float>.Zero;
                            Vector256<float> r6 = row + 6 < mr ? Avx.Multiply(va, Avx.LoadVector256(s + 6 * lda)) : Vector256<float>.Zero;
                            Vector256<float> r7 = row + 7 < mr ? Avx.Multiply(va, Avx.LoadVector256(s + 7 * lda)) : Vector256<float>.Zero;
                            Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                            float* dg = d + row;
                            Avx.Store(dg, r0); Avx.Store(dg + MR, r1); Avx.Store(dg + 2 * MR, r2); Avx.Store(dg + 3 * MR, r3);
                            Avx.Store(dg + 4 * MR, r4); Avx.Store(dg + 5 * MR, r5); Avx.Store(dg + 6 * MR, r6);
                            Avx.Store(dg + 7 * MR, r7);
                        }
                    }
                }
                for (; p < kc; p++)
                    for (int i = 0; i < MR; i++) dst[p * MR + i] = i < mr ? alpha * src[(long)i * lda + p] : 0f;
            }
        }
    }

    /// <summary>Packs op(B)[pc..pc+kc, jc..jc+nc] into <paramref name="dst"/> (nc rounded up to NR columns).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void PackB<TK>(bool transB, float* b, int ldb, int pc, int jc, int kc, int nc, float* dst)
        where TK : struct, ISgemmTile
    {
        int NR = TK.NR;
        for (int j0 = 0; j0 < nc; j0 += NR, dst += NR * kc)
        {
            int nr = Math.Min(NR, nc - j0);
            if (!transB)
            {
                // Stored k×n: op(B)(p, j) = b[p·ldb + j]; each k step is a contiguous run of nr values.
                float* src = b + (long)pc * ldb + jc + j0;
                if (nr == NR && Avx.IsSupported)
                {
                    for (int p = 0; p < kc; p++, src += ldb)
                        for (int v = 0; v < NR; v += 8)
                            Avx.Store(dst + p * NR + v, Avx.LoadVector256(src + v));
                }
                else
                {
                    for (int p = 0; p < kc; p++, src += ldb)
                        for (int j = 0; j < NR; j++) dst[p * NR + j] = j < nr ? src[j] : 0f;
                }
            }
            else
            {
                // Stored n×k: op(B)(p, j) = b[j·ldb + p]; gather across nr rows, 8×8 blocks at a time (a panel
                // narrower than NR, e.g. the 16 or 49 columns of a weight gradient, takes its whole groups of 8 rows
                // the same way and only the rest element by element).
                float* src = b + (long)(jc + j0) * ldb + pc;
                int p = 0, groups = Avx.IsSupported ? nr / 8 : 0;
                if (groups > 0)
                {
                    for (; p + 8 <= kc; p += 8)
                    {
                        for (int half = 0; half < groups; half++)
                        {
                            float* s = src + (long)half * 8 * ldb + p;
                            Vector256<float> r0 = Avx.LoadVector256(s);
                            Vector256<float> r1 = Avx.LoadVector256(s + ldb);
                            Vector256<float> r2 = Avx.LoadVector256(s + 2 * ldb);
                            Vector256<float> r3 = Avx.LoadVector256(s + 3 * ldb);
                            Vector256<float> r4 = Avx.LoadVector256(s + 4 * ldb);
                            Vector256<float> r5 = Avx.LoadVector256(s + 5 * ldb);
                            Vector256<float> r6 = Avx.LoadVector256(s + 6 * ldb);
                            Vector256<float> r7 = Avx.LoadVector256(s + 7 * ldb);
                            Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                            float* d = dst + p * NR + half * 8;
                            Avx.Store(d, r0); Avx.Store(d + NR, r1); Avx.Store(d + 2 * NR, r2);
                            Avx.Store(d + 3 * NR, r3); Avx.Store(d + 4 * NR, r4); Avx.Store(d + 5 * NR, r5);
                            Avx.Store(d + 6 * NR, r6); Avx.Store(d + 7 * NR, r7);
                        }
                        // The rest of the panel: the last partial group of rows element by element, zeros past it
                        // 8 at a time.
                        int jz = groups * 8;
                        if (jz < nr)
                        {
                            for (int q = p; q < p + 8; q++)
                                for (int j = jz; j < jz + 8; j++) dst[q * NR + j] = j < nr ? src[(long)j * ldb + q] : 0f;
                            jz += 8;
                        }
                        for (int q = p; q < p + 8; q++)
                            for (int j = jz; j < NR; j += 8) Avx.Store(dst + q * NR + j, Vector256<float>.Zero);
                    }
                }
                for (; p < kc; p++)
                    for (int j = 0; j < NR; j++) dst[p * NR + j] = j < nr ? src[(long)j * ldb + p] : 0f;
            }
        }
    }

    /// <summary>In-place transpose of the 8×8 block held in eight row vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose8x8(ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2,
        ref Vector256<float> r3, ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6,
        ref Vector256<float> r7)
    {
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(s0, s4, 0x20); r1 = Avx.Permute2x128(s1, s5, 0x20);
        r2 = Avx.Permute2x128(s2, s6, 0x20); r3 = Avx.Permute2x128(s3, s7, 0x20);
        r4 = Avx.Permute2x128(s0, s4, 0x31); r5 = Avx.Permute2x128(s1, s5, 0x31);
        r6 = Avx.Permute2x128(s2, s6, 0x31); r7 = Avx.Permute2x128(s3, s7, 0x31);
    }
}
