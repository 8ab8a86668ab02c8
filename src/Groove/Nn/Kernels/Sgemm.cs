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
/// the calling thread; threads come from the engine's <see cref="WorkerPool"/>. Pack buffers come from <see cref="System.Buffers.ArrayPool{T}"/>, so steady-state calls do
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

            if (m >= n)
                SgemmSharedPanel.Run(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, threads, path);
            else
                MultiplySlabs(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, threads, path);
        }
    }

    /// <summary>
    /// Splits the columns (n &gt; m) into one contiguous slab per thread. Each slab is an independent GEMM that
    /// packs all of A, which costs O(k·m) against O(m·n·k / threads) of arithmetic. (Rows, m ≥ n, are split by
    /// <see cref="SgemmSharedPanel"/>, whose threads share one packed B.) The slabs run on the engine's
    /// <see cref="WorkerPool"/> (no allocation per call).
    /// </summary>
    static unsafe void MultiplySlabs(bool transA, bool transB, int m, int n, int k, float alpha, float* pa, int lda,
        float* pb, int ldb, float beta, float* pc, int ldc, int threads, SimdPath path)
    {
        int unit = TileCols(path);
        var job = new SlabJob
        {
            TransA = transA, TransB = transB, M = m, N = n, K = k, Alpha = alpha, A = pa, Lda = lda, B = pb, Ldb = ldb,
            Beta = beta, C = pc, Ldc = ldc, Threads = threads, Path = path, Unit = unit, Units = (n + unit - 1) / unit,
        };
        WorkerPool.Shared.For(threads, &RunSlab, (nint)(&job));
    }

    /// <summary>The operands of a parallel Sgemm, on the caller's stack while the pool runs it.</summary>
    unsafe struct SlabJob
    {
        public bool TransA, TransB;
        public int M, N, K, Lda, Ldb, Ldc, Threads, Unit, Units;
        public float Alpha, Beta;
        public float* A, B, C, Partial;
        public SimdPath Path;
    }

    static unsafe void RunSlab(nint state, int t)
    {
        ref readonly SlabJob j = ref *(SlabJob*)state;
        int start = (int)((long)j.Units * t / j.Threads) * j.Unit;
        int end = Math.Min(j.N, (int)((long)j.Units * (t + 1) / j.Threads) * j.Unit);
        if (start >= end) return;
        SgemmDriver.Run(j.TransA, j.TransB, j.M, end - start, j.K, j.Alpha, j.A, j.Lda,
            j.B + (j.TransB ? (long)start * j.Ldb : start), j.Ldb, j.Beta, j.C + start, j.Ldc, j.Path);
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
                var job = new SlabJob
                {
                    TransA = transA, TransB = transB, M = m, N = n, K = k, Alpha = alpha, A = pa, Lda = lda, B = pb,
                    Ldb = ldb, Beta = beta, C = pc, Ldc = ldc, Threads = threads, Path = path, Partial = pp,
                };
                WorkerPool.Shared.For(threads, &RunDepthSlab, (nint)(&job));
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

    static unsafe void RunDepthSlab(nint state, int t)
    {
        ref readonly SlabJob j = ref *(SlabJob*)state;
        int k0 = (int)((long)j.K * t / j.Threads), k1 = (int)((long)j.K * (t + 1) / j.Threads);
        float* a0 = j.A + (j.TransA ? (long)k0 * j.Lda : k0);
        float* b0 = j.B + (j.TransB ? k0 : (long)k0 * j.Ldb);
        if (t == 0)
            SgemmDriver.Run(j.TransA, j.TransB, j.M, j.N, k1 - k0, j.Alpha, a0, j.Lda, b0, j.Ldb, j.Beta, j.C, j.Ldc, j.Path);
        else
            SgemmDriver.Run(j.TransA, j.TransB, j.M, j.N, k1 - k0, j.Alpha, a0, j.Lda, b0, j.Ldb, 0f,
                j.Partial + (long)(t - 1) * j.M * j.N, j.N, j.Path);
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
