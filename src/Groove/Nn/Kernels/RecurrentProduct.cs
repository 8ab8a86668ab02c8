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
                case SimdPath.Avx512: Multiply<Lanes512, Vector512<float>>(rows, k, np, pa, lda, pp, pd, addStride, pc); break;
                case SimdPath.Avx2Fma: Multiply<Lanes256, Vector256<float>>(rows, k, np, pa, lda, pp, pd, addStride, pc); break;
                default: MultiplyScalar(rows, k, np, pa, lda, pp, pd, addStride, pc); break;
            }
        }
    }

    /// <summary>Column blocks of up to four vectors, two rows at a time (eight accumulators: 8 of 32 zmm or
    /// 16 ymm registers, plus the four of P).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void Multiply<TL, TV>(int rows, int k, int np, float* a, int lda, float* p, float* add, int addStride,
        float* c) where TL : IVectorLanes<TV> where TV : struct
    {
        int L = TL.Count;
        for (int j0 = 0; j0 < np; j0 += 4 * L)
        {
            int vecs = Math.Min(4, (np - j0) / L);
            int i = 0;
            for (; i + 2 <= rows; i += 2)
            {
                float* a0 = a + (long)i * lda, a1 = a0 + lda;
                TV x0 = default, x1 = default, x2 = default, x3 = default;
                TV y0 = default, y1 = default, y2 = default, y3 = default;
                float* pk = p + j0;
                if (vecs == 4)
                    for (int q = 0; q < k; q++, pk += np)
                    {
                        TV u = TL.Splat(a0[q]), v = TL.Splat(a1[q]);
                        TV w0 = TL.Load(pk), w1 = TL.Load(pk + L), w2 = TL.Load(pk + 2 * L), w3 = TL.Load(pk + 3 * L);
                        x0 = TL.Fma(u, w0, x0); y0 = TL.Fma(v, w0, y0);
                        x1 = TL.Fma(u, w1, x1); y1 = TL.Fma(v, w1, y1);
                        x2 = TL.Fma(u, w2, x2); y2 = TL.Fma(v, w2, y2);
                        x3 = TL.Fma(u, w3, x3); y3 = TL.Fma(v, w3, y3);
                    }
                else
                    for (int q = 0; q < k; q++, pk += np)
                    {
                        TV u = TL.Splat(a0[q]), v = TL.Splat(a1[q]);
                        TV w0 = TL.Load(pk);
                        x0 = TL.Fma(u, w0, x0); y0 = TL.Fma(v, w0, y0);
                        if (vecs > 1) { TV w1 = TL.Load(pk + L); x1 = TL.Fma(u, w1, x1); y1 = TL.Fma(v, w1, y1); }
                        if (vecs > 2) { TV w2 = TL.Load(pk + 2 * L); x2 = TL.Fma(u, w2, x2); y2 = TL.Fma(v, w2, y2); }
                    }
                Store<TL, TV>(c + (long)i * np + j0, add + (long)i * addStride + j0, vecs, x0, x1, x2, x3);
                Store<TL, TV>(c + (long)(i + 1) * np + j0, add + (long)(i + 1) * addStride + j0, vecs, y0, y1, y2, y3);
            }
            for (; i < rows; i++)
            {
                float* a0 = a + (long)i * lda;
                TV x0 = default, x1 = default, x2 = default, x3 = default;
                float* pk = p + j0;
                for (int q = 0; q < k; q++, pk += np)
                {
                    TV u = TL.Splat(a0[q]);
                    x0 = TL.Fma(u, TL.Load(pk), x0);
                    if (vecs > 1) x1 = TL.Fma(u, TL.Load(pk + L), x1);
                    if (vecs > 2) x2 = TL.Fma(u, TL.Load(pk + 2 * L), x2);
                    if (vecs > 3) x3 = TL.Fma(u, TL.Load(pk + 3 * L), x3);
                }
                Store<TL, TV>(c + (long)i * np + j0, add + (long)i * addStride + j0, vecs, x0, x1, x2, x3);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Store<TL, TV>(float* c, float* add, int vecs, TV x0, TV x1, TV x2, TV x3)
        where TL : IVectorLanes<TV> where TV : struct
    {
        int L = TL.Count;
        TL.Store(TL.Add(x0, TL.Load(add)), c);
        if (vecs > 1) TL.Store(TL.Add(x1, TL.Load(add + L)), c + L);
        if (vecs > 2) TL.Store(TL.Add(x2, TL.Load(add + 2 * L)), c + 2 * L);
        if (vecs > 3) TL.Store(TL.Add(x3, TL.Load(add + 3 * L)), c + 3 * L);
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
