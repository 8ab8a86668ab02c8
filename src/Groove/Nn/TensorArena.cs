namespace Groove.Nn;

/// <summary>
/// Recycles the float buffers of intermediate tensors between training (or inference) steps, so that a steady
/// training loop allocates almost nothing. Keep one arena per loop and wrap each step:
/// <code>
/// var arena = new TensorArena();
/// for (…) { using (arena.Step()) { var loss = …; loss.Backward(); optimizer.Step(); } }
/// </code>
/// Every tensor produced by an operation inside the scope (activations, gradients flowing through the graph,
/// copies) borrows its storage from the arena, and all of it is returned when the scope ends: such tensors must
/// not be used afterwards (copy values out with <see cref="Tensor.ToArray"/> or <see cref="Tensor.Item"/> first).
/// Parameters, their <see cref="Tensor.Grad"/>, optimiser state and tensors made by the factories
/// (<see cref="Tensor.Zeros"/>, <see cref="Tensor.From"/>, …) never come from the arena.
/// </summary>
/// <remarks>
/// The active arena is found through a <c>[ThreadStatic]</c> slot set by the scope object (the same reasoning as
/// <see cref="GradMode"/>: operations are plain methods and cannot take a context argument without cluttering model
/// code). The slot belongs to the thread that opened the scope and is restored when the scope is disposed.
/// </remarks>
public sealed class TensorArena
{
    [ThreadStatic] private static TensorArena? t_current;

    private readonly Dictionary<int, Stack<float[]>> _free = new();
    private readonly List<float[]> _rented = new();
    private int _depth;

    /// <summary>Bytes held by the arena's buffers (free and in use).</summary>
    public long RetainedBytes { get; private set; }

    /// <summary>Starts a step: until the returned scope is disposed, operations on this thread borrow buffers from the arena.</summary>
    public StepScope Step()
    {
        if (_depth > 0) throw new InvalidOperationException("TensorArena steps cannot be nested.");
        _depth++;
        return new StepScope(this, t_current);
    }

    /// <summary>Releases every buffer the arena holds.</summary>
    public void Clear()
    {
        if (_depth > 0) throw new InvalidOperationException("Cannot clear a TensorArena inside a step.");
        _free.Clear();
        RetainedBytes = 0;
    }

    /// <summary>A zeroed buffer of at least <paramref name="n"/> floats: from the active arena, else the heap.</summary>
    internal static float[] Rent(int n)
    {
        var a = t_current;
        return a == null || n == 0 ? new float[n] : a.RentFromPool(n);
    }

    /// <summary>A buffer of at least <paramref name="n"/> floats with unspecified contents, for an output that its
    /// operation overwrites in full (a convolution's): from the active arena without clearing, else the heap.</summary>
    internal static float[] RentUninitialized(int n)
    {
        var a = t_current;
        return a == null || n == 0 ? GC.AllocateUninitializedArray<float>(n) : a.RentFromPool(n, clear: false);
    }

    private float[] RentFromPool(int n, bool clear = true)
    {
        int bucket = n <= 16 ? 16 : (int)Math.Min(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)n), int.MaxValue);
        float[] buf;
        if (_free.TryGetValue(bucket, out var stack) && stack.Count > 0)
        {
            buf = stack.Pop();
            if (clear) buf.AsSpan(0, n).Clear();
        }
        else
        {
            buf = new float[bucket];
            RetainedBytes += 4L * bucket;
        }
        _rented.Add(buf);
        return buf;
    }

    private void EndStep()
    {
        foreach (var buf in _rented)
        {
            if (!_free.TryGetValue(buf.Length, out var stack)) _free[buf.Length] = stack = new Stack<float[]>();
            stack.Push(buf);
        }
        _rented.Clear();
        _depth--;
    }

    /// <summary>An open arena step; disposing it recycles every buffer borrowed during the step.</summary>
    public sealed class StepScope : IDisposable
    {
        private readonly TensorArena _arena;
        private readonly TensorArena? _previous;
        private bool _disposed;

        internal StepScope(TensorArena arena, TensorArena? previous)
        {
            _arena = arena;
            _previous = previous;
            t_current = arena;
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            t_current = _previous;
            _arena.EndStep();
        }
    }
}
