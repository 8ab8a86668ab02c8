using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public unsafe class WorkerPoolTests
{
    struct Counts
    {
        public int* Hits;
        public int Nested;
    }

    static void Hit(nint state, int i) => Interlocked.Increment(ref ((Counts*)state)->Hits[i]);

    static void HitAndNest(nint state, int i)
    {
        var c = (Counts*)state;
        Interlocked.Increment(ref c->Hits[i]);
        // A loop started inside a loop runs on this thread alone (the pool is busy) and still completes.
        var inner = new Counts { Hits = c->Hits + 100 + 10 * i };
        WorkerPool.Shared.For(10, &Hit, (nint)(&inner));
        Interlocked.Increment(ref c->Nested);
    }

    static void Throw(nint state, int i)
    {
        if (i == 3) throw new InvalidOperationException("iteration 3");
    }

    [Fact]
    public void EveryIterationRunsExactlyOnce()
    {
        int* hits = stackalloc int[1000];
        for (int round = 0; round < 50; round++)
        {
            new Span<int>(hits, 1000).Clear();
            int count = 1 + round * 19 % 997;
            var c = new Counts { Hits = hits };
            WorkerPool.Shared.For(count, &Hit, (nint)(&c));
            for (int i = 0; i < 1000; i++) Assert.Equal(i < count ? 1 : 0, hits[i]);
        }
    }

    [Fact]
    public void NestedLoopsRunInline()
    {
        int* hits = stackalloc int[200];
        new Span<int>(hits, 200).Clear();
        var c = new Counts { Hits = hits };
        WorkerPool.Shared.For(4, &HitAndNest, (nint)(&c));
        Assert.Equal(4, c.Nested);
        for (int i = 0; i < 4; i++) Assert.Equal(1, hits[i]);
        for (int i = 100; i < 140; i++) Assert.Equal(1, hits[i]);
    }

    [Fact]
    public void AnIterationsExceptionReachesTheCallerAndThePoolStaysUsable()
    {
        // The same exception type whether the loop ran on the pool or inline (the pool busy with another test's
        // loop, or one thread): CI once saw the inline path here.
        var e = Assert.Throws<InvalidOperationException>(() => WorkerPool.Shared.For(8, &Throw, 0));
        Assert.Equal("iteration 3", e.Message);
        Assert.Throws<InvalidOperationException>(() => WorkerPool.Shared.For(8, &Throw, 0, maxThreads: 1));
        int* hits = stackalloc int[8];
        new Span<int>(hits, 8).Clear();
        var c = new Counts { Hits = hits };
        WorkerPool.Shared.For(8, &Hit, (nint)(&c));
        for (int i = 0; i < 8; i++) Assert.Equal(1, hits[i]);
    }

    [Fact]
    public void StartingALoopAllocatesNothing()
    {
        int* hits = stackalloc int[16];
        var c = new Counts { Hits = hits };
        // Warm up: workers started, and the first blocking waits (which may allocate once per thread) done.
        for (int r = 0; r < 200; r++) WorkerPool.Shared.For(16, &Hit, (nint)(&c));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int r = 0; r < 100; r++) WorkerPool.Shared.For(16, &Hit, (nint)(&c));
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
