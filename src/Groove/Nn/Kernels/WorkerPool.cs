using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Groove.Nn.Kernels;

/// <summary>
/// The engine's parallel loops: the iterations of a loop run on the calling thread and on
/// <see cref="Environment.ProcessorCount"/> − 1 dedicated worker threads (started once, then parked), claimed one
/// at a time from a shared counter. A loop is a static function pointer and the address of the caller's state (a
/// struct on its stack, alive while the caller waits), so starting one allocates nothing. One loop runs at a time:
/// a loop started while another runs (a nested loop on a worker, or another thread's) runs on its own thread alone,
/// so both cores are never oversubscribed by nesting.
/// </summary>
internal sealed unsafe class WorkerPool
{
    /// <summary>The process's pool (its workers are background threads; it holds no data between loops).</summary>
    public static WorkerPool Shared { get; } = new(Environment.ProcessorCount - 1);

    readonly int _workers;
    readonly SemaphoreSlim _start = new(0);
    readonly ManualResetEventSlim _done = new(false);
    int _busy;                                  // 1 while a loop runs
    delegate*<nint, int, void> _body;
    nint _state;
    int _count, _next, _active;
    ExceptionDispatchInfo? _error;

    WorkerPool(int workers)
    {
        _workers = Math.Max(0, workers);
        for (int w = 0; w < _workers; w++)
            new Thread(WorkerLoop) { IsBackground = true, Name = $"groove-engine-{w + 1}" }.Start();
    }

    /// <summary>Threads a loop can use: the caller and the workers.</summary>
    public int Threads => _workers + 1;

    /// <summary>Runs body(state, i) for i in [0, count) on up to <see cref="Threads"/> threads and returns when all
    /// are done. The first exception an iteration throws is rethrown here as itself (not wrapped), after the other
    /// threads finish, so a caller sees the same exception whether the loop ran in parallel or inline.</summary>
    public void For(int count, delegate*<nint, int, void> body, nint state) => For(count, body, state, int.MaxValue);

    /// <summary>As the overload without a limit, on at most <paramref name="maxThreads"/>
    /// threads (the caller included).</summary>
    public void For(int count, delegate*<nint, int, void> body, nint state, int maxThreads)
    {
        if (count <= 0) return;
        if (count == 1 || _workers == 0 || maxThreads <= 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++) body(state, i);
            return;
        }
        try
        {
            _body = body;
            _state = state;
            _count = count;
            _next = 0;
            _error = null;
            int helpers = Math.Min(Math.Min(_workers, count - 1), maxThreads - 1);
            _active = helpers + 1;
            _done.Reset();
            _start.Release(helpers);
            Work();
            if (Interlocked.Decrement(ref _active) != 0) _done.Wait();
            _error?.Throw();
        }
        finally
        {
            _body = null;
            _state = 0;
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Runs <paramref name="body"/>(i) for i in [0, count) on up to <paramref name="maxThreads"/> of the
    /// pool's threads, claimed one at a time (for callers whose loop body is a closure; only the delegate is
    /// allocated, by the caller).</summary>
    public void For(int count, Action<int> body, int maxThreads = int.MaxValue)
    {
        var job = new DelegateJob { Body = body };
        For(count, &RunDelegate, (nint)Unsafe.AsPointer(ref job), maxThreads);
    }

    /// <summary>A delegate loop's body, on the caller's stack while the pool runs it.</summary>
    struct DelegateJob
    {
        public Action<int> Body;
    }

    static void RunDelegate(nint state, int i) => Unsafe.AsRef<DelegateJob>((void*)state).Body(i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Work()
    {
        try
        {
            int i;
            while ((i = Interlocked.Increment(ref _next) - 1) < _count) _body(_state, i);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
            Volatile.Write(ref _next, _count); // the others stop claiming
        }
    }

    void WorkerLoop()
    {
        while (true)
        {
            _start.Wait();
            Work();
            if (Interlocked.Decrement(ref _active) == 0) _done.Set();
        }
    }
}
