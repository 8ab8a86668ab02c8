using Groove.Nn;

namespace Groove.EngineBench;

/// <summary>
/// A model workload: one training step (forward, loss, backward; with <c>trainInArena</c> its buffers from a
/// <see cref="TensorArena"/>, as <c>ResumableTraining</c> runs every conv trainer's steps) or one inference (no
/// autograd, buffers from <see cref="InferenceArenas"/>, as the models' inference calls run).
/// </summary>
abstract class ModelBench(bool trainInArena)
{
    readonly TensorArena? _arena = trainInArena ? new TensorArena() : null;
    readonly InferenceArenas _inference = new();

    /// <summary>Clears the model's gradients.</summary>
    protected abstract void ZeroGrad();

    /// <summary>The forward pass reduced to the scalar loss the peer also uses (Σ outputs).</summary>
    protected abstract Tensor Loss();

    /// <summary>The forward pass alone.</summary>
    protected abstract void Forward();

    public void Step()
    {
        using var scope = _arena?.Step();
        ZeroGrad();
        Loss().Backward();
    }

    public void Infer()
    {
        using var _ = GradMode.NoGrad();
        using var step = _inference.Step();
        Forward();
    }
}
