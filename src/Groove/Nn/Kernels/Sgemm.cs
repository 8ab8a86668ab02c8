namespace Groove.Nn.Kernels;

/// <summary>
/// Single-precision general matrix multiply on row-major spans:
/// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, where op(X) is X or Xᵀ.
/// lda/ldb/ldc are the row strides of the stored (untransposed) matrices.
/// </summary>
/// <remarks>
/// Blocked in the Goto/BLIS style (Goto &amp; van de Geijn, "Anatomy of high-performance matrix multiplication",
/// ACM TOMS 2008; Van Zee &amp; van de Geijn, "BLIS", ACM TOMS 2015): panels of A and B are packed into
/// contiguous micro-panels (transposes are absorbed by the packing), and a 6×16 AVX2/FMA register-blocked
/// micro-kernel accumulates each tile of C. Large problems are split over the machine's cores; small ones run on
/// the calling thread. Pack buffers come from <see cref="System.Buffers.ArrayPool{T}"/>, so steady-state calls do
/// not allocate. When beta is 0, C is not read (NaNs in C do not propagate).
/// </remarks>
public static class Sgemm
{
    /// <summary>Below this many multiply-adds (m·n·k) a call runs on the calling thread only.</summary>
    internal const long ParallelThreshold = 1L << 20;

    /// <summary>Computes C = alpha · op(A) · op(B) + beta · C (row-major).</summary>
    /// <exception cref="ArgumentException">A dimension is negative, a leading dimension is too small, or a span is
    /// too short for the matrix it holds.</exception>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
            Environment.ProcessorCount, SgemmMicroKernel.IsAccelerated);

    /// <summary>As <see cref="Multiply(bool,bool,int,int,int,float,ReadOnlySpan{float},int,ReadOnlySpan{float},int,float,Span{float},int)"/>,
    /// with the thread count capped at <paramref name="maxThreads"/> and the SIMD micro-kernel optional (tests use
    /// both to cover every path).</summary>
    internal static unsafe void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        int maxThreads, bool useSimd)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentException($"Sgemm: negative dimension (m={m}, n={n}, k={k})");
        if (useSimd && !SgemmMicroKernel.IsAccelerated)
            throw new ArgumentException("Sgemm: the SIMD micro-kernel needs AVX2 and FMA");
        CheckMatrix("C", c.Length, m, n, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        CheckMatrix("A", a.Length, transA ? k : m, transA ? m : k, lda);
        CheckMatrix("B", b.Length, transB ? n : k, transB ? k : n, ldb);

        int threads = ChooseThreads(m, n, k, maxThreads);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            if (threads == 1)
            {
                SgemmDriver.Run(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, useSimd);
                return;
            }

            if (SplitDepth(m, n, k))
            {
                MultiplySplitDepth(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, threads, useSimd);
                return;
            }

            MultiplySlabs(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, threads, useSimd);
        }
    }

    /// <summary>
    /// Splits the larger of m and n into one contiguous slab per thread. Each slab is an independent GEMM:
    /// splitting rows duplicates the packing of B, splitting columns duplicates the packing of A, which costs
    /// O(k·(the other dimension)) against O(m·n·k / threads) of arithmetic. (A separate method so that the
    /// single-threaded path does not allocate the lambda's closure.)
    /// </summary>
    static unsafe void MultiplySlabs(bool transA, bool transB, int m, int n, int k, float alpha, float* pa, int lda,
        float* pb, int ldb, float beta, float* pc, int ldc, int threads, bool useSimd)
    {
        bool splitRows = m >= n;
        int unit = splitRows ? SgemmMicroKernel.MR : SgemmMicroKernel.NR;
        int extent = splitRows ? m : n;
        int units = (extent + unit - 1) / unit;
        nint ia = (nint)pa, ib = (nint)pb, ic = (nint)pc;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int start = (int)((long)units * t / threads) * unit;
            int end = Math.Min(extent, (int)((long)units * (t + 1) / threads) * unit);
            if (start >= end) return;
            float* a0 = (float*)ia, b0 = (float*)ib, c0 = (float*)ic;
            if (splitRows)
                SgemmDriver.Run(transA, transB, end - start, n, k, alpha,
                    a0 + (transA ? start : (long)start * lda), lda, b0, ldb,
                    beta, c0 + (long)start * ldc, ldc, useSimd);
            else
                SgemmDriver.Run(transA, transB, m, end - start, k, alpha, a0, lda,
                    b0 + (transB ? (long)start * ldb : start), ldb,
                    beta, c0 + start, ldc, useSimd);
        });
    }

    /// <summary>
    /// Whether to split the depth k over threads: a long inner dimension with a small C (weight gradients,
    /// Σ over batch·time), where splitting rows or columns would make every thread pack nearly all of one operand.
    /// </summary>
    static bool SplitDepth(int m, int n, int k) =>
        k >= 2 * SgemmDriver.KC && k >= 4L * Math.Max(m, n) && (long)m * n <= 1 << 18;

    /// <summary>Each thread multiplies one slab of the depth; thread 0 writes C (with beta), the others write
    /// pooled partial products that are then added to C.</summary>
    static unsafe void MultiplySplitDepth(bool transA, bool transB, int m, int n, int k, float alpha, float* pa,
        int lda, float* pb, int ldb, float beta, float* pc, int ldc, int threads, bool useSimd)
    {
        int mn = m * n;
        float[] partial = System.Buffers.ArrayPool<float>.Shared.Rent((threads - 1) * mn);
        try
        {
            fixed (float* pp = partial)
            {
                nint ia = (nint)pa, ib = (nint)pb, ic = (nint)pc, ip = (nint)pp;
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
                {
                    int k0 = (int)((long)k * t / threads), k1 = (int)((long)k * (t + 1) / threads);
                    float* a0 = (float*)ia + (transA ? (long)k0 * lda : k0);
                    float* b0 = (float*)ib + (transB ? k0 : (long)k0 * ldb);
                    if (t == 0)
                        SgemmDriver.Run(transA, transB, m, n, k1 - k0, alpha, a0, lda, b0, ldb, beta, (float*)ic, ldc, useSimd);
                    else
                        SgemmDriver.Run(transA, transB, m, n, k1 - k0, alpha, a0, lda, b0, ldb, 0f,
                            (float*)ip + (long)(t - 1) * mn, n, useSimd);
                });
                for (int t = 1; t < threads; t++)
                    for (int i = 0; i < m; i++)
                    {
                        var row = new Span<float>(pc + (long)i * ldc, n);
                        System.Numerics.Tensors.TensorPrimitives.Add(row, new ReadOnlySpan<float>(pp + (long)(t - 1) * mn + (long)i * n, n), row);
                    }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(partial);
        }
    }

    static int ChooseThreads(int m, int n, int k, int maxThreads)
    {
        if (maxThreads <= 1 || (long)m * n * k < ParallelThreshold) return 1;
        if (SplitDepth(m, n, k)) return Math.Min(maxThreads, k / SgemmDriver.KC);
        int byShape = m >= n ? (m + SgemmMicroKernel.MR - 1) / SgemmMicroKernel.MR
                             : (n + SgemmMicroKernel.NR - 1) / SgemmMicroKernel.NR;
        return Math.Max(1, Math.Min(maxThreads, byShape));
    }

    static void CheckMatrix(string name, int length, int rows, int cols, int ld)
    {
        if (ld < Math.Max(1, cols))
            throw new ArgumentException($"Sgemm: leading dimension of {name} is {ld}, needs at least {Math.Max(1, cols)}");
        if (rows == 0 || cols == 0) return;
        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException($"Sgemm: {name} holds {length} floats, a {rows}×{cols} matrix with stride {ld} needs {needed}");
    }

    static void ScaleC(int m, int n, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * ldc, n);
            if (beta == 0) row.Clear();
            else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }
}
