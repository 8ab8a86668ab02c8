using System.Buffers;
using System.Runtime.CompilerServices;

namespace Groove.Nn.Kernels;

/// <summary>
/// <see cref="Sgemm"/> on several threads, split by rows of C, with one packed block of B shared by all of them:
/// the ic loop of the blocked loop nest is the parallel one and the packed KC×NC panel of B is packed once, in
/// parts, by the threads together (Smith, Van de Geijn, Smelyanskiy, Hammond &amp; Van Zee, "Anatomy of
/// high-performance many-threaded matrix multiplication", IPDPS 2014). Independent row slabs would each pack all of
/// B: on SGEMM 1024³ over two threads that is a third of each thread's packing.
/// </summary>
/// <remarks>
/// The work of each (column block, depth block) of the loop nest is two lists of tasks claimed from shared counters:
/// packing parts of B (into one of two buffers, alternating, so that the next block can be packed while the current
/// one is still being multiplied), then row chunks of C. A thread waits only for tasks that were already claimed
/// (the packing of the block it is about to multiply, and the previous block's row chunks, which write the same rows
/// of C), so a loop that the <see cref="WorkerPool"/> runs on fewer threads than asked — all on the caller, when the
/// pool is busy — still completes. Every element of C gets the same micro-kernel sums in the same order as on one
/// thread: results do not depend on the thread count.
/// </remarks>
internal static unsafe class SgemmSharedPanel
{
    /// <summary>C = op(A)·op(B)·alpha + beta·C with the rows of C split over <paramref name="threads"/> threads.</summary>
    public static void Run(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b,
        int ldb, float beta, float* c, int ldc, int threads, SimdPath path)
    {
        var pa = new DenseA(transA, a, lda, alpha);
        var pb = new DenseB(transB, b, ldb);
        switch (path)
        {
            case SimdPath.Avx512: Run<SgemmTileAvx512>(pa, pb, m, n, k, beta, c, ldc, threads); break;
            case SimdPath.Avx2Fma: Run<SgemmTileAvx2>(pa, pb, m, n, k, beta, c, ldc, threads); break;
            default: Run<SgemmTileScalar>(pa, pb, m, n, k, beta, c, ldc, threads); break;
        }
    }

    /// <summary>The operands and the shared state of one call, on the caller's stack while the pool runs it.</summary>
    struct Job
    {
        public DenseA A;
        public DenseB B;
        public int M, N, K, Ldc, Tasks, DepthBlocks, Blocks, AFloats;
        public float Beta;
        public float* C;
        public float* Packed0, Packed1;
        /// <summary>Per block: pack tasks claimed, pack tasks done, row chunks claimed, row chunks done.</summary>
        public int* Counters;
    }

    static void Run<TK>(in DenseA a, in DenseB b, int m, int n, int k, float beta, float* c, int ldc, int threads)
        where TK : struct, ISgemmTile
    {
        int kcMax = Math.Min(k, SgemmDriver.KC);
        int mcMax = SgemmDriver.RoundUp(Math.Min(m, SgemmDriver.MC), TK.MR);
        int ncMax = SgemmDriver.RoundUp(Math.Min(n, SgemmDriver.NC), TK.NR);
        int depthBlocks = (k + SgemmDriver.KC - 1) / SgemmDriver.KC;
        int blocks = depthBlocks * ((n + SgemmDriver.NC - 1) / SgemmDriver.NC);
        int panelFloats = ncMax * kcMax + 16;
        float[] packed = ArrayPool<float>.Shared.Rent(2 * panelFloats);
        int[] counters = ArrayPool<int>.Shared.Rent(4 * blocks);
        try
        {
            Array.Clear(counters, 0, 4 * blocks);
            fixed (float* pp = packed)
            fixed (int* pc = counters)
            {
                var job = new Job
                {
                    A = a, B = b, M = m, N = n, K = k, Ldc = ldc, Beta = beta, C = c, Tasks = threads,
                    DepthBlocks = depthBlocks, Blocks = blocks, AFloats = mcMax * kcMax + 16 + SgemmPacking.Slack,
                    Packed0 = SgemmDriver.Align64(pp), Packed1 = SgemmDriver.Align64(pp + panelFloats), Counters = pc,
                };
                WorkerPool.Shared.For(threads, &Participate<TK>, (nint)(&job), threads);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packed);
            ArrayPool<int>.Shared.Return(counters);
        }
    }

    /// <summary>One thread's share: every block in order, claiming what is left of its tasks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Participate<TK>(nint state, int thread) where TK : struct, ISgemmTile
    {
        ref Job j = ref *(Job*)state;
        int NR = TK.NR, MR = TK.MR, tasks = j.Tasks;
        float[] aBuf = ArrayPool<float>.Shared.Rent(j.AFloats);
        try
        {
            fixed (float* aRaw = aBuf)
            {
                float* ap = SgemmDriver.Align64(aRaw);
                for (int block = 0; block < j.Blocks; block++)
                {
                    int jc = block / j.DepthBlocks * SgemmDriver.NC, pc = block % j.DepthBlocks * SgemmDriver.KC;
                    int nc = Math.Min(SgemmDriver.NC, j.N - jc), kc = Math.Min(SgemmDriver.KC, j.K - pc);
                    float* bp = (block & 1) == 0 ? j.Packed0 : j.Packed1;
                    int* counts = j.Counters + 4 * block;

                    // Pack this block's B in parts (its buffer was last read by block − 2, finished before
                    // block − 1 started).
                    int panels = (nc + NR - 1) / NR, task;
                    while ((task = Interlocked.Increment(ref counts[0]) - 1) < tasks)
                    {
                        int p0 = (int)((long)panels * task / tasks), p1 = (int)((long)panels * (task + 1) / tasks);
                        if (p1 > p0)
                            j.B.Pack<TK>(pc, jc + p0 * NR, kc, Math.Min(nc, p1 * NR) - p0 * NR, bp + (long)p0 * NR * kc);
                        Interlocked.Increment(ref counts[1]);
                    }
                    WaitFor(ref counts[1], tasks);
                    // The previous block wrote the same rows of C when it shares this block's columns.
                    if (block > 0) WaitFor(ref counts[-1], tasks);

                    float betaBlock = pc == 0 ? j.Beta : 1f;
                    int units = (j.M + MR - 1) / MR;
                    while ((task = Interlocked.Increment(ref counts[2]) - 1) < tasks)
                    {
                        int r0 = (int)((long)units * task / tasks) * MR;
                        int r1 = Math.Min(j.M, (int)((long)units * (task + 1) / tasks) * MR);
                        for (int ic = r0; ic < r1; ic += SgemmDriver.MC)
                        {
                            int mc = Math.Min(SgemmDriver.MC, r1 - ic);
                            j.A.Pack<TK>(ic, pc, mc, kc, ap);
                            SgemmDriver.MacroKernel<TK>(mc, nc, kc, ap, bp, j.C + (long)ic * j.Ldc + jc, j.Ldc, betaBlock);
                        }
                        Interlocked.Increment(ref counts[3]);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(aBuf);
        }
    }

    /// <summary>Spins until <paramref name="count"/> reaches <paramref name="target"/> (tasks that a running thread
    /// has claimed; no sleeping, which would add a millisecond to a wait of microseconds).</summary>
    static void WaitFor(ref int count, int target)
    {
        var spin = new SpinWait();
        while (Volatile.Read(ref count) < target) spin.SpinOnce(sleep1Threshold: -1);
    }
}
