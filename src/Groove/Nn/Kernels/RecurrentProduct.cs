using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Groove.Nn.Kernels;

/// <summary>
/// The per-step matrix products of a recurrent layer, c[i, ·] = a[i, ·] · P + add[i, ·], for a handful of rows (the
/// batch) against a small matrix P that stays the same for the whole sequence (a GRU's W_hhᵀ for the hidden gates, or
/// W_hh for the state gradient), so P is packed once per sequence and each step costs no packing and no call setup.
/// </summary>
/// <remarks>
/// P is packed row-major [k × np] with np = n rounded up to <see cref="Lanes"/> and zero columns after n; c and add
/// are [rows × np]-strided too (their padding columns get zeros plus padding). Every element is one fused
/// multiply-add chain over k from zero, then + add: the same sequence as an <see cref="Sgemm"/> with beta = 1 on the
/// AVX-512 and AVX2+FMA micro-kernels, so the three paths of this kernel (512-bit, 256-bit, scalar with
/// <see cref="MathF.FusedMultiplyAdd"/>) give bit-identical results.
/// </remarks>
internal static class RecurrentProduct
{
    /// <summary>Column padding of packed operands: one 512-bit vector (two 256-bit ones).</summary>
    public const int Lanes = 16;

    /// <summary>n rounded up to <see cref="Lanes"/>.</summary>
    public static int Padded(int n) => (n + Lanes - 1) / Lanes * Lanes;

    /// <summary>Packs <paramref name="w"/> [n × k] (row-major, e.g. torch's weight_hh) transposed into
    /// <paramref name="packed"/> [k × Padded(n)] (P = wᵀ).</summary>
    public static void PackTransposed(ReadOnlySpan<float> w, int n, int k, Span<float> packed)
    {
        int np = Padded(n);
        packed.Slice(0, k * np).Clear();
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++) packed[p * np + j] = w[j * k + p];
    }

    /// <summary>Packs <paramref name="w"/> [k × n] (row-major) as is into <paramref name="packed"/> [k × Padded(n)].</summary>
    public static void Pack(ReadOnlySpan<float> w, int k, int n, Span<float> packed)
    {
        int np = Padded(n);
        for (int p = 0; p < k; p++)
        {
            w.Slice(p * n, n).CopyTo(packed.Slice(p * np, n));
            packed.Slice(p * np + n, np - n).Clear();
        }
    }

    /// <summary>
    /// c[i, j] = Σ_p a[i·lda + p] · packed[p·np + j] + add[i·addStride + j] for i &lt; rows, j &lt; np
    /// (np = Padded(n)); <paramref name="addStride"/> 0 adds the same row (a bias) to every row. c may be add.
    /// </summary>
    public static unsafe void Multiply(SimdPath path, int rows, int k, int n, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> packed, ReadOnlySpan<float> add, int addStride, Span<float> c)
    {
        int np = Padded(n);
        if (rows == 0) return;
        if (k < 0 || lda < k || a.Length < (long)(rows - 1) * lda + k || packed.Length < (long)k * np
            || add.Length < (long)(rows - 1) * addStride + np || c.Length < (long)rows * np)
            throw new ArgumentException("RecurrentProduct: an operand is shorter than its shape");
        if (!SimdPaths.CanRun(path))
            throw new ArgumentException($"RecurrentProduct: the {SimdPaths.Name(path)} path cannot run on this CPU");
        fixed (float* pa = a, pp = packed, pd = add, pc = c)
        {
            switch (path)
            {
                case SimdPath.Avx512: Multiply512(rows, k, np, pa, lda, pp, pd, addStride, pc); break;
                case SimdPath.Avx2Fma: Multiply256(rows, k, np, pa, lda, pp, pd, addStride, pc); break;
                default: MultiplyScalar(rows, k, np, pa, lda, pp, pd, addStride, pc); break;
            }
        }
    }

    /// <summary>Column blocks of up to four 16-lane vectors, two rows at a time (eight accumulators).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void Multiply512(int rows, int k, int np, float* a, int lda, float* p, float* add, int addStride, float* c)
    {
        for (int j0 = 0; j0 < np; j0 += 64)
        {
            int vecs = Math.Min(4, (np - j0) / 16);
            int i = 0;
            for (; i + 2 <= rows; i += 2)
            {
                float* a0 = a + (long)i * lda, a1 = a0 + lda;
                Vector512<float> x0 = default, x1 = default, x2 = default, x3 = default;
                Vector512<float> y0 = default, y1 = default, y2 = default, y3 = default;
                float* pk = p + j0;
                if (vecs == 4)
                    for (int q = 0; q < k; q++, pk += np)
                    {
                        Vector512<float> u = Vector512.Create(a0[q]), v = Vector512.Create(a1[q]);
                        Vector512<float> w0 = Vector512.Load(pk), w1 = Vector512.Load(pk + 16);
                        Vector512<float> w2 = Vector512.Load(pk + 32), w3 = Vector512.Load(pk + 48);
                        x0 = Vector512.FusedMultiplyAdd(u, w0, x0); y0 = Vector512.FusedMultiplyAdd(v, w0, y0);
                        x1 = Vector512.FusedMultiplyAdd(u, w1, x1); y1 = Vector512.FusedMultiplyAdd(v, w1, y1);
                        x2 = Vector512.FusedMultiplyAdd(u, w2, x2); y2 = Vector512.FusedMultiplyAdd(v, w2, y2);
                        x3 = Vector512.FusedMultiplyAdd(u, w3, x3); y3 = Vector512.FusedMultiplyAdd(v, w3, y3);
                    }
                else
                    for (int q = 0; q < k; q++, pk += np)
                    {
                        Vector512<float> u = Vector512.Create(a0[q]), v = Vector512.Create(a1[q]);
                        Vector512<float> w0 = Vector512.Load(pk);
                        x0 = Vector512.FusedMultiplyAdd(u, w0, x0); y0 = Vector512.FusedMultiplyAdd(v, w0, y0);
                        if (vecs > 1)
                        {
                            Vector512<float> w1 = Vector512.Load(pk + 16);
                            x1 = Vector512.FusedMultiplyAdd(u, w1, x1); y1 = Vector512.FusedMultiplyAdd(v, w1, y1);
                        }
                        if (vecs > 2)
                        {
                            Vector512<float> w2 = Vector512.Load(pk + 32);
                            x2 = Vector512.FusedMultiplyAdd(u, w2, x2); y2 = Vector512.FusedMultiplyAdd(v, w2, y2);
                        }
                    }
                Store512(c + (long)i * np + j0, add + (long)i * addStride + j0, vecs, x0, x1, x2, x3);
                Store512(c + (long)(i + 1) * np + j0, add + (long)(i + 1) * addStride + j0, vecs, y0, y1, y2, y3);
            }
            for (; i < rows; i++)
            {
                float* a0 = a + (long)i * lda;
                Vector512<float> x0 = default, x1 = default, x2 = default, x3 = default;
                float* pk = p + j0;
                for (int q = 0; q < k; q++, pk += np)
                {
                    Vector512<float> u = Vector512.Create(a0[q]);
                    x0 = Vector512.FusedMultiplyAdd(u, Vector512.Load(pk), x0);
                    if (vecs > 1) x1 = Vector512.FusedMultiplyAdd(u, Vector512.Load(pk + 16), x1);
                    if (vecs > 2) x2 = Vector512.FusedMultiplyAdd(u, Vector512.Load(pk + 32), x2);
                    if (vecs > 3) x3 = Vector512.FusedMultiplyAdd(u, Vector512.Load(pk + 48), x3);
                }
                Store512(c + (long)i * np + j0, add + (long)i * addStride + j0, vecs, x0, x1, x2, x3);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Store512(float* c, float* add, int vecs, Vector512<float> x0, Vector512<float> x1,
        Vector512<float> x2, Vector512<float> x3)
    {
        (x0 + Vector512.Load(add)).Store(c);
        if (vecs > 1) (x1 + Vector512.Load(add + 16)).Store(c + 16);
        if (vecs > 2) (x2 + Vector512.Load(add + 32)).Store(c + 32);
        if (vecs > 3) (x3 + Vector512.Load(add + 48)).Store(c + 48);
    }

    /// <summary>Column blocks of up to four 8-lane vectors, two rows at a time (eight accumulators).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void Multiply256(int rows, int k, int np, float* a, int lda, float* p, float* add, int addStride, float* c)
    {
        for (int j0 = 0; j0 < np; j0 += 32)
        {
            int vecs = Math.Min(4, (np - j0) / 8);
            int i = 0;
            for (; i + 2 <= rows; i += 2)
            {
                float* a0 = a + (long)i * lda, a1 = a0 + lda;
                Vector256<float> x0 = default, x1 = default, x2 = default, x3 = default;
                Vector256<float> y0 = default, y1 = default, y2 = default, y3 = default;
                float* pk = p + j0;
                if (vecs == 4)
                    for (int q = 0; q < k; q++, pk += np)
                    {
                        Vector256<float> u = Vector256.Create(a0[q]), v = Vector256.Create(a1[q]);
                        Vector256<float> w0 = Vector256.Load(pk), w1 = Vector256.Load(pk + 8);
                        Vector256<float> w2 = Vector256.Load(pk + 16), w3 = Vector256.Load(pk + 24);
                        x0 = Vector256.FusedMultiplyAdd(u, w0, x0); y0 = Vector256.FusedMultiplyAdd(v, w0, y0);
                        x1 = Vector256.FusedMultiplyAdd(u, w1, x1); y1 = Vector256.FusedMultiplyAdd(v, w1, y1);
                        x2 = Vector256.FusedMultiplyAdd(u, w2, x2); y2 = Vector256.FusedMultiplyAdd(v, w2, y2);
                        x3 = Vector256.FusedMultiplyAdd(u, w3, x3); y3 = Vector256.FusedMultiplyAdd(v, w3, y3);
                    }
                else
                    for (int q = 0; q < k; q++, pk += np)
                    {
                        // np is a multiple of 16, so a partial block has exactly two vectors.
                        Vector256<float> u = Vector256.Create(a0[q]), v = Vector256.Create(a1[q]);
                        Vector256<float> w0 = Vector256.Load(pk), w1 = Vector256.Load(pk + 8);
                        x0 = Vector256.FusedMultiplyAdd(u, w0, x0); y0 = Vector256.FusedMultiplyAdd(v, w0, y0);
                        x1 = Vector256.FusedMultiplyAdd(u, w1, x1); y1 = Vector256.FusedMultiplyAdd(v, w1, y1);
                    }
                Store256(c + (long)i * np + j0, add + (long)i * addStride + j0, vecs, x0, x1, x2, x3);
                Store256(c + (long)(i + 1) * np + j0, add + (long)(i + 1) * addStride + j0, vecs, y0, y1, y2, y3);
            }
            for (; i < rows; i++)
            {
                float* a0 = a + (long)i * lda;
                Vector256<float> x0 = default, x1 = default, x2 = default, x3 = default;
                float* pk = p + j0;
                for (int q = 0; q < k; q++, pk += np)
                {
                    Vector256<float> u = Vector256.Create(a0[q]);
                    x0 = Vector256.FusedMultiplyAdd(u, Vector256.Load(pk), x0);
                    x1 = Vector256.FusedMultiplyAdd(u, Vector256.Load(pk + 8), x1);
                    if (vecs > 2)
                    {
                        x2 = Vector256.FusedMultiplyAdd(u, Vector256.Load(pk + 16), x2);
                        x3 = Vector256.FusedMultiplyAdd(u, Vector256.Load(pk + 24), x3);
                    }
                }
                Store256(c + (long)i * np + j0, add + (long)i * addStride + j0, vecs, x0, x1, x2, x3);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Store256(float* c, float* add, int vecs, Vector256<float> x0, Vector256<float> x1,
        Vector256<float> x2, Vector256<float> x3)
    {
        (x0 + Vector256.Load(add)).Store(c);
        (x1 + Vector256.Load(add + 8)).Store(c + 8);
        if (vecs > 2)
        {
            (x2 + Vector256.Load(add + 16)).Store(c + 16);
            (x3 + Vector256.Load(add + 24)).Store(c + 24);
        }
    }

    static unsafe void MultiplyScalar(int rows, int k, int np, float* a, int lda, float* p, float* add, int addStride, float* c)
    {
        for (int i = 0; i < rows; i++)
        {
            float* ai = a + (long)i * lda, ci = c + (long)i * np, di = add + (long)i * addStride;
            for (int j = 0; j < np; j++)
            {
                float acc = 0f;
                for (int q = 0; q < k; q++) acc = MathF.FusedMultiplyAdd(ai[q], p[(long)q * np + j], acc);
                ci[j] = acc + di[j];
            }
        }
    }
}
