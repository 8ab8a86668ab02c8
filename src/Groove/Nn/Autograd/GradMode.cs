namespace Groove.Nn;

/// <summary>
/// Whether operations on the current thread record the autograd graph. <c>using (GradMode.NoGrad()) { … }</c>
/// disables recording for the scope and restores the previous state on dispose; <see cref="Inference"/> does the
/// same and marks the scope as inference (modules may then skip work only needed for training).
/// </summary>
/// <remarks>
/// The flag is <c>[ThreadStatic]</c> rather than held by a context object: operations are plain methods on
/// <see cref="Tensor"/> (<c>a + b</c>, <c>x.Matmul(w)</c>) and threading a context through every call would make model
/// code unreadable. Thread-static storage keeps it safe for concurrent inference on other threads: a scope only
/// affects its own thread, and the scope object (not global code) owns the change and undoes it. This is the same
/// contract as PyTorch's <c>torch.no_grad()</c>. It is the only mutable static in the engine.
/// </remarks>
public sealed class GradMode : IDisposable
{
    [ThreadStatic] private static bool t_disabled;
    [ThreadStatic] private static bool t_inference;

    private readonly bool _prevDisabled;
    private readonly bool _prevInference;
    private bool _disposed;

    private GradMode(bool disabled, bool inference)
    {
        _prevDisabled = t_disabled;
        _prevInference = t_inference;
        t_disabled = disabled;
        t_inference = inference;
    }

    /// <summary>True when operations on this thread record gradients.</summary>
    public static bool IsEnabled => !t_disabled;

    /// <summary>True inside an <see cref="Inference"/> scope.</summary>
    public static bool IsInference => t_inference;

    /// <summary>Disables gradient recording until the returned scope is disposed.</summary>
    public static GradMode NoGrad() => new(true, t_inference);

    /// <summary>Re-enables gradient recording (inside a NoGrad scope) until disposed.</summary>
    public static GradMode EnableGrad() => new(false, false);

    /// <summary>Disables recording and marks inference until disposed.</summary>
    public static GradMode Inference() => new(true, true);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        t_disabled = _prevDisabled;
        t_inference = _prevInference;
    }
}
