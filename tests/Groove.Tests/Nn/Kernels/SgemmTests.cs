using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class SgemmTests
{
    static readonly int[] OddSizes = [1, 2, 3, 5, 6, 7, 8, 13, 15, 16, 17, 31, 33, 48, 63, 67];

    /// <summary>Runs Sgemm and the naive reference on the same random problem and compares every element of C,
    /// including the padding columns between n and ldc, which must be left untouched.</summary>
    static void Check(bool transA, bool transB, int m, int n, int k, float alpha, float beta, int pad, int maxThreads,
        bool simd, int seed) =>
        Check(transA, transB, m, n, k, alpha, beta, pad, maxThreads, simd ? SimdPath.Avx2Fma : SimdPath.Scalar, seed);

    static void Check(bool transA, bool transB, int m, int n, int k, float alpha, float beta, int pad, int maxThreads,
        SimdPath path, int seed)
    {
        int lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad;
        float[] a = NaiveGemm.Random((transA ? k : m) * lda, seed);
        float[] b = NaiveGemm.Random((transB ? n : k) * ldb, seed + 1);
        float[] c = NaiveGemm.Random(m * ldc, seed + 2);
        if (beta == 0)
            for (int i = 0; i < c.Length; i += 7) c[i] = float.NaN; // beta = 0 must not read C
        float[] expected = (float[])c.Clone();
        NaiveGemm.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc);
        Sgemm.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, maxThreads, path);
        float tol = 1e-5f * (k + 4);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < ldc; j++)
            {
                float e = expected[i * ldc + j], got = c[i * ldc + j];
                if (j >= n)
                {
                    if (!e.Equals(got)) Assert.Fail($"padding C[{i},{j}] changed");
                    continue;
                }
                // (messages are built only on failure: this loop runs millions of times)
                if (float.IsNaN(got) || !(Math.Abs(e - got) <= tol * (1 + Math.Abs(e))))
                    Assert.Fail($"C[{i},{j}] = {got}, expected {e} (tA={transA} tB={transB} m={m} n={n} k={k} α={alpha} β={beta})");
            }
    }

    static bool Simd => SgemmMicroKernel.IsAccelerated;

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void MatchesNaiveOnOddSizes(bool transA, bool transB)
    {
        var rng = new Random(transA ? 10 : 20 + (transB ? 1 : 0));
        int seed = 0;
        foreach (int m in OddSizes)
            foreach (int n in OddSizes)
            {
                int k = OddSizes[rng.Next(OddSizes.Length)];
                Check(transA, transB, m, n, k, 1f, 0f, 0, 1, Simd, seed++);
            }
        foreach (int k in OddSizes)
            Check(transA, transB, 7, 19, k, 1f, 0f, 0, 1, Simd, seed++);
    }

    [Theory]
    [InlineData(1f, 0f)]
    [InlineData(1f, 1f)]
    [InlineData(-0.5f, 0.25f)]
    [InlineData(2f, -1f)]
    public void HonoursAlphaBetaAndLeadingDimensions(float alpha, float beta)
    {
        int seed = 100;
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                Check(ta, tb, 13, 29, 11, alpha, beta, 3, 1, Simd, seed++);
                Check(ta, tb, 6, 16, 8, alpha, beta, 5, 1, Simd, seed++);
                Check(ta, tb, 67, 35, 41, alpha, beta, 1, 1, Simd, seed++);
            }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void CrossesCacheBlocksSingleAndMultiThreaded(bool transA, bool transB)
    {
        // m > MC, k > KC (several depth blocks, so beta is applied once and later blocks accumulate), ragged edges.
        Check(transA, transB, 301, 77, 530, 1f, 0.5f, 2, 1, Simd, 200);
        // Row split over threads (m ≥ n) and column split (m < n), both above the parallel threshold.
        Check(transA, transB, 200, 150, 260, 0.75f, 0f, 0, 2, Simd, 201);
        Check(transA, transB, 50, 333, 300, 1f, -1f, 1, 2, Simd, 202);
        Check(transA, transB, 130, 140, 90, 1f, 1f, 0, 3, Simd, 203);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void LongDepthIsSplitOverThreads(bool transA, bool transB)
    {
        // k ≫ m, n (a weight gradient): the depth is split over threads and the partial products summed.
        Check(transA, transB, 16, 24, 3000, 1f, 0f, 1, 2, Simd, 500); // m·n·k above the parallel threshold
        Check(transA, transB, 20, 9, 6000, -0.5f, 0.75f, 0, 3, Simd, 501);
    }

    [Fact]
    public void RowSplitOverThreads()
    {
        // Rows split over threads: a single column sliver, ragged slivers, and two column panels (n > NC).
        Check(false, false, 400, 10, 300, 1f, 0f, 0, 2, Simd, 600);
        Check(true, true, 401, 45, 120, 1f, 0.5f, 3, 2, Simd, 601);
        Check(false, true, SgemmDriver.NC + 40, SgemmDriver.NC + 20, 2, 1f, 0f, 0, 2, Simd, 602);
    }

    /// <summary>Rows split over threads that share the packed B (<see cref="SgemmSharedPanel"/>): each element gets
    /// the same micro-kernel sums in the same order as on one thread, so C is identical bit for bit, on every path,
    /// for several depth blocks (the two packed buffers alternate and are reused) and for two column blocks. (k stays
    /// under 4·max(m, n): longer depths are split over threads instead, with partial sums.)</summary>
    [Fact]
    public void RowSplitWithSharedPanelEqualsOneThreadExactly()
    {
        int seed = 650;
        foreach (var path in new[] { SimdPath.Scalar, SimdPath.Avx2Fma, SimdPath.Avx512 }.Where(SimdPaths.CanRun))
            foreach (var (ta, tb, m, n, k, beta) in new[]
                     { (false, false, 400, 70, 3 * SgemmDriver.KC + 5, 0.5f), (true, true, 300, 300, 2 * SgemmDriver.KC, 0f),
                       (false, true, 3 * SgemmDriver.MC + 7, 33, SgemmDriver.KC + 1, 1f) })
            {
                int lda = ta ? m : k, ldb = tb ? k : n;
                float[] a = NaiveGemm.Random(m * k, seed), b = NaiveGemm.Random(k * n, seed + 1);
                float[] c1 = NaiveGemm.Random(m * n, seed + 2);
                float[] c2 = (float[])c1.Clone(), c3 = (float[])c1.Clone();
                seed += 3;
                Sgemm.Multiply(ta, tb, m, n, k, -0.75f, a, lda, b, ldb, beta, c1, n, 1, path);
                Sgemm.Multiply(ta, tb, m, n, k, -0.75f, a, lda, b, ldb, beta, c2, n, 2, path);
                Sgemm.Multiply(ta, tb, m, n, k, -0.75f, a, lda, b, ldb, beta, c3, n, 3, path);
                Assert.Equal(c1, c2);
                Assert.Equal(c1, c3);
            }
        // Two column blocks (n > NC) and two depth blocks: four blocks of the shared loop.
        {
            int m = SgemmDriver.NC + 40, n = SgemmDriver.NC + 20, k = SgemmDriver.KC + 3;
            float[] a = NaiveGemm.Random(m * k, 660), b = NaiveGemm.Random(k * n, 661);
            float[] c1 = new float[m * n], c2 = new float[m * n];
            Sgemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c1, n, 1, SimdPaths.Best);
            Sgemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c2, n, 2, SimdPaths.Best);
            Assert.Equal(c1, c2);
        }
    }

    /// <summary>A parallel Sgemm started inside another parallel loop finds the pool busy and runs all of its tasks
    /// on its own thread: the shared-panel tasks must not wait for a thread that never comes.</summary>
    [Fact]
    public async Task RowSplitCompletesWhenThePoolRunsItInline()
    {
        const int m = 260, n = 90, k = 700;
        float[] a = NaiveGemm.Random(m * k, 670), b = NaiveGemm.Random(k * n, 671), expected = new float[m * n];
        Sgemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, expected, n, 1, SimdPaths.Best);
        var results = new float[2][];
        var outer = Task.Run(() => WorkerPool.Shared.For(2, i =>
        {
            results[i] = new float[m * n];
            Sgemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, results[i], n, 2, SimdPaths.Best);
        }));
        await outer.WaitAsync(TimeSpan.FromSeconds(60)); // throws TimeoutException if a task waits forever
        Assert.Equal(expected, results[0]);
        Assert.Equal(expected, results[1]);
    }

    [Fact]
    public void WideProblemCrossesColumnBlock()
    {
        // n > NC: two column panels.
        Check(false, false, 7, SgemmDriver.NC + 37, 5, 1f, 0f, 0, 1, Simd, 300);
        Check(true, true, 7, SgemmDriver.NC + 37, 5, 1f, 0f, 0, 2, Simd, 301);
    }

    [Fact]
    public void ScalarFallbackMatchesNaive()
    {
        int seed = 400;
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                Check(ta, tb, 17, 33, 19, 1.5f, 0.5f, 2, 1, false, seed++);
                Check(ta, tb, 150, 40, 270, 1f, 0f, 0, 2, false, seed++);
            }
    }

    /// <summary>The 12×32 AVX-512 tile and its packing (MR = 12, NR = 32: other edge tiles, other panel widths) on
    /// every transpose, ragged edges, alpha/beta, padding and a thread split. Where AVX-512 is missing its
    /// Vector512 code runs in software, so this checks the path's logic on any CPU (slowly: small problems).</summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Avx512PathMatchesNaive(bool transA, bool transB)
    {
        int seed = 700 + (transA ? 10 : 0) + (transB ? 20 : 0);
        foreach (int m in new[] { 1, 11, 12, 13, 25 })
            foreach (int n in new[] { 1, 31, 32, 33, 70 })
                Check(transA, transB, m, n, 9, 1f, 0f, 0, 1, SimdPath.Avx512, seed++);
        Check(transA, transB, 29, 45, 37, -0.5f, 0.25f, 3, 1, SimdPath.Avx512, seed++);
        Check(transA, transB, 30, 67, 515, 1f, 1f, 1, 1, SimdPath.Avx512, seed++);   // two depth blocks
        Check(transA, transB, 150, 100, 80, 1f, 0f, 0, 2, SimdPath.Avx512, seed++);  // row slabs over threads
    }

    [Fact]
    public void WeightGradientShapesWithNarrowTransposedPanelsMatchNaive()
    {
        // gw = gy·colᵀ: B stored n×k (transposed) with n narrower than a tile (16 input channels of a pointwise conv,
        // the 49 taps of a 7×7 stem, 72 = 8·3·3): whole groups of 8 rows go through the 8×8 transpose, the rest
        // element by element, for several depth blocks of 8 and a ragged end.
        int seed = 900;
        foreach (var path in new[] { SimdPath.Scalar, SimdPath.Avx2Fma, SimdPath.Avx512 }.Where(SimdPaths.CanRun))
            foreach (var (m, n, k) in new[] { (64, 16, 203), (8, 49, 517), (16, 72, 99), (12, 9, 40) })
                Check(false, true, m, n, k, 1f, 1f, 1, 1, path, seed++);
    }

    [Fact]
    public void Avx512AndAvx2PathsGiveIdenticalProducts()
    {
        // Both tiles accumulate each element of C as the same sequence of fused multiply-adds over k (same KC
        // blocks, A pre-scaled by alpha alike, the same fused beta update in full and edge tiles), so their results
        // are equal bit for bit whatever the tile sizes: exact comparison is the right test here. Needs FMA
        // hardware for the AVX2 kernel: without it (DOTNET_EnableHWIntrinsic=0) that kernel must refuse to run, and
        // the AVX-512 path alone is checked against the naive product by Avx512PathMatchesNaive.
        if (!SimdPaths.CanRun(SimdPath.Avx2Fma))
        {
            Assert.Throws<ArgumentException>(() => Sgemm.Multiply(false, false, 2, 2, 2, 1f, new float[4], 2, new float[4], 2, 0f,
                new float[4], 2, 1, SimdPath.Avx2Fma));
            return;
        }
        foreach (var (ta, tb, m, n, k, beta) in new[] { (false, false, 37, 75, 600, 0.5f), (true, true, 13, 40, 33, 0f), (false, true, 25, 33, 7, 1f) })
        {
            int lda = ta ? m : k, ldb = tb ? k : n;
            float[] a = NaiveGemm.Random(m * k, 1), b = NaiveGemm.Random(k * n, 2);
            float[] c1 = NaiveGemm.Random(m * n, 3), c2 = (float[])c1.Clone();
            Sgemm.Multiply(ta, tb, m, n, k, 0.75f, a, lda, b, ldb, beta, c1, n, 1, SimdPath.Avx2Fma);
            Sgemm.Multiply(ta, tb, m, n, k, 0.75f, a, lda, b, ldb, beta, c2, n, 1, SimdPath.Avx512);
            Assert.Equal(c1, c2);
        }
    }

    [Fact]
    public void StartUpPathCanRun() => Assert.True(SimdPaths.CanRun(SimdPaths.Best));

    [Fact]
    public void SimdAndScalarPathsAgreeOnLargeProblem()
    {
        const int m = 96, n = 112, k = 257;
        float[] a = NaiveGemm.Random(m * k, 1), b = NaiveGemm.Random(k * n, 2);
        float[] c1 = new float[m * n], c2 = new float[m * n];
        if (!Simd)
        {
            // Without AVX2+FMA (e.g. under DOTNET_EnableHWIntrinsic=0) the SIMD kernel cannot be asked for, and says
            // so; the scalar kernel alone is checked against the naive product by ScalarFallbackMatchesNaive.
            var e = Assert.Throws<ArgumentException>(() => Sgemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c1, n, 1, true));
            Assert.Contains("AVX2", e.Message);
            return;
        }
        Sgemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c1, n, 1, true);
        Sgemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c2, n, 1, false);
        for (int i = 0; i < c1.Length; i++) Assert.True(Math.Abs(c1[i] - c2[i]) < 1e-3f);
    }

    [Fact]
    public void SingleThreadedCallsDoNotAllocateInSteadyState()
    {
        const int m = 70, n = 90, k = 600;
        float[] a = NaiveGemm.Random(m * k, 1), b = NaiveGemm.Random(k * n, 2), c = new float[m * n];
        foreach (bool tb in new[] { false, true })
        {
            for (int w = 0; w < 3; w++) // warm the pool (its per-thread slots fill on first returns) and the JIT
                Sgemm.Multiply(false, tb, m, n, k, 1f, a, k, b, tb ? k : n, 0f, c, n, 1, Simd);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Sgemm.Multiply(false, tb, m, n, k, 1f, a, k, b, tb ? k : n, 0.5f, c, n, 1, Simd);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void DegenerateShapes()
    {
        float[] c = [1, 2, 3, 4];
        Sgemm.Multiply(false, false, 2, 2, 0, 1f, [], 1, [], 2, 3f, c, 2);
        Assert.Equal([3f, 6f, 9f, 12f], c);
        Sgemm.Multiply(false, false, 2, 2, 3, 0f, new float[6], 3, new float[6], 2, 0f, c, 2);
        Assert.Equal([0f, 0f, 0f, 0f], c);
        Sgemm.Multiply(false, false, 0, 5, 3, 1f, [], 3, new float[15], 5, 0f, [], 5);
    }

    [Fact]
    public void RejectsShortSpansAndBadStrides()
    {
        Assert.Throws<ArgumentException>(() =>
            Sgemm.Multiply(false, false, 2, 2, 2, 1f, new float[3], 2, new float[4], 2, 0f, new float[4], 2));
        Assert.Throws<ArgumentException>(() =>
            Sgemm.Multiply(false, false, 2, 2, 2, 1f, new float[4], 1, new float[4], 2, 0f, new float[4], 2));
        Assert.Throws<ArgumentException>(() =>
            Sgemm.Multiply(false, false, 2, 2, 2, 1f, new float[4], 2, new float[4], 2, 0f, new float[3], 2));
        Assert.Throws<ArgumentException>(() =>
            Sgemm.Multiply(false, false, -1, 2, 2, 1f, new float[4], 2, new float[4], 2, 0f, new float[4], 2));
    }
}
