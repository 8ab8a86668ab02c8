using System.Collections.Concurrent;

namespace Groove.Nn;

/// <summary>
/// <see cref="TensorArena"/>s for a model's inference calls, so that repeated forward passes recycle their
/// activation buffers instead of allocating fresh ones (fresh pages cost the kernel's page-fault and zeroing time,
/// a fifth or more of a forward pass of the conv models). Each call borrows an idle arena (one per concurrent
/// caller, so a model may be used from several threads at once) and runs inside one of its steps:
/// <code>
/// using var _ = GradMode.Inference();
/// using (_arenas.Step()) { var p = net.Forward(x).ToArray(); … }
/// </code>
/// Tensors made inside the step must not be used after it (copy numbers out with <see cref="Tensor.ToArray"/>).
/// An arena that holds more than <see cref="MaxRetainedBytes"/> after a call is emptied, so inputs of varying
/// sizes do not pile up buffers.
/// </summary>
public sealed class InferenceArenas(long maxRetainedBytes = InferenceArenas.DefaultMaxRetainedBytes)
{
    /// <summary>The default cap on what one idle arena keeps: 1 GiB (about what one forward pass of a conv model on
    /// a training-size batch allocates; a model's inference on one recording needs far less).</summary>
    public const long DefaultMaxRetainedBytes = 1L << 30;

    readonly ConcurrentBag<TensorArena> _idle = new();

    /// <summary>Bytes an idle arena may keep between calls.</summary>
    public long MaxRetainedBytes { get; } = maxRetainedBytes;

    /// <summary>Starts an inference step on this thread with a borrowed arena; dispose it to recycle the step's
    /// buffers and return the arena.</summary>
    public Scope Step()
    {
        var arena = _idle.TryTake(out var a) ? a : new TensorArena();
        return new Scope(this, arena);
    }

    /// <summary>An open inference step.</summary>
    public sealed class Scope : IDisposable
    {
        readonly InferenceArenas _owner;
        readonly TensorArena _arena;
        readonly TensorArena.StepScope _step;
        bool _disposed;

        internal Scope(InferenceArenas owner, TensorArena arena)
        {
            _owner = owner;
            _arena = arena;
            _step = arena.Step();
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _step.Dispose();
            if (_arena.RetainedBytes > _owner.MaxRetainedBytes) _arena.Clear();
            _owner._idle.Add(_arena);
        }
    }
}
