namespace Groove.Nn;

/// <summary>
/// A recorded operation: the tensors it read and a function mapping the gradient of its output to the gradients
/// of those inputs (null where an input needs none).
/// </summary>
internal sealed class Node
{
    public Tensor[] Inputs;
    public Func<Tensor, Tensor?[]>? BackwardFn;

    public Node(Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        Inputs = inputs;
        BackwardFn = backward;
    }

    /// <summary>Drops the saved tensors after backward so their memory can be reclaimed.</summary>
    public void Release()
    {
        BackwardFn = null;
        Inputs = Array.Empty<Tensor>();
    }
}
