namespace Groove.Nn.Kernels;

/// <summary>
/// Single-precision general matrix multiply on row-major spans:
/// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, where op(X) is X or Xᵀ.
/// lda/ldb/ldc are the row strides of the stored (untransposed) matrices.
/// </summary>
/// <remarks>
/// Blocked in the Goto/BLIS style (Goto &amp; van de Geijn, "Anatomy of high-performance matrix multiplication",
/// ACM TOMS 2008; Van Zee &amp; van de Geijn, "BLIS", ACM TOMS 2015): panels of A and B are packed into
/// contiguous micro-panels (transposes are absorbed by the packing), and a register-blocked micro-kernel accumulates
/// each tile of C: 12×32 on AVX-512F, 6×16 on AVX2+FMA, a scalar 6×16 elsewhere (chosen once at start-up,
/// <see cref="SimdPaths.Best"/>). Large problems are split over the machine's cores; small ones run on
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
            Environment.ProcessorCount, SimdPaths.Best);

    /// <summary>As the public overload with the AVX2 (<paramref name="useSimd"/>) or the scalar kernel.</summary>
    internal static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        int maxThreads, bool useSimd)
    {
        if (useSimd && !SgemmMicroKernel.IsAccelerated)
            throw new ArgumentException("Sgemm: the SIMD micro-kernel needs AVX2 and FMA");
        Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, maxThreads,
            useSimd ? SimdPath.Avx2Fma : SimdPath.Scalar);
    }

    /// <summary>As <see cref="Multiply(bool,bool,int,int,int,float,ReadOnlySpan{float},int,ReadOnlySpan{float},int,float,Span{float},int)"/>,
    /// with the thread count capped at <paramref name="maxThreads"/> and the SIMD path forced (tests use it to cover
    /// every path).</summary>
    internal static unsafe void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        int maxThreads, SimdPath path)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentException($"Sgemm: negative dimension (m={m}, n={n}, k={k})");
        if (!SimdPaths.CanRun(path))
            throw new ArgumentException($"Sgemm: the {SimdPaths.Name(path)} micro-kernel cannot run on this CPU");
        CheckMatrix("C", c.Length, m, n, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        CheckMatrix("A", a.Length, transA ? k : m, transA ? m : k, lda);
        CheckMatrix("B", b.Length, transB ? n : k, transB ? k : n, ldb);

        int threads = ChooseThreads(m, n, k, maxThreads, path);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            if (threads == 1)
            {
                SgemmDriver.Run(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, path);
                return;
            }

            if (SplitDepth(m, n, k))
            {
                MultiplySplitDepth(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, threads, path);
                return;
            }

            MultiplySlabs(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, threads, path);
        }
    }

    /// <summary>
    /// Splits the larger of m and n into one contiguous slab per thread. Each slab is an independent GEMM:
    /// splitting rows duplicates the packing of B, splitting columns duplicates the packing of A, which costs
    /// O(k·(the other dimension)) against O(m·n·k / threads) of arithmetic. (A separate method so that the
    /// single-threaded path does not allocate the lambda's closure.)
    /// </summary>
    static unsafe void MultiplySlabs(bool transA, bool transB, int m, int n, int k, float alpha, float* pa, int lda,
        float* pb, int ldb, float beta, float* pc, int ldc, int threads, SimdPath path)
    {
        bool splitRows = m >= n;
        int unit = splitRows ? TileRows(path) : TileCols(path);
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
                    beta, c0 + (long)start * ldc, ldc, path);
            else
                SgemmDriver.Run(transA, transB, m, end - start, k, alpha, a0, lda,
                    b0 + (transB ? (long)start * ldb : start), ldb,
                    beta, c0 + start, ldc, path);
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
        int lda, float* pb, int ldb, float beta, float* pc, int ldc, int threads, SimdPath path)
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
                        SgemmDriver.Run(transA, transB, m, n, k1 - k0, alpha, a0, lda, b0, ldb, beta, (float*)ic, ldc, path);
                    else
                        SgemmDriver.Run(transA, transB, m, n, k1 - k0, alpha, a0, lda, b0, ldb, 0f,
                            (float*)ip + (long)(t - 1) * mn, n, path);
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

    /// <summary>Rows of C per micro-tile on <paramref name="path"/>.</summary>
    internal static int TileRows(SimdPath path) => path == SimdPath.Avx512 ? SgemmTileAvx512.MR : SgemmTileAvx2.MR;

    /// <summary>Columns of C per micro-tile on <paramref name="path"/>.</summary>
    internal static int TileCols(SimdPath path) => path == SimdPath.Avx512 ? SgemmTileAvx512.NR : SgemmTileAvx2.NR;

    static int ChooseThreads(int m, int n, int k, int maxThreads, SimdPath path)
    {
        if (maxThreads <= 1 || (long)m * n * k < ParallelThreshold) return 1;
        if (SplitDepth(m, n, k)) return Math.Min(maxThreads, k / SgemmDriver.KC);
        int byShape = m >= n ? (m + TileRows(path) - 1) / TileRows(path)
                             : (n + TileCols(path) - 1) / TileCols(path);
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
