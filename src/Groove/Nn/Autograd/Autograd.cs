namespace Groove.Nn;

/// <summary>Define-by-run reverse-mode differentiation over the graph recorded in <see cref="Tensor.GradFn"/>.</summary>
internal static class Autograd
{
    public static bool ShouldRecord(Tensor a) => a.RequiresGrad && GradMode.IsEnabled;

    public static bool ShouldRecord(Tensor a, Tensor b) => (a.RequiresGrad || b.RequiresGrad) && GradMode.IsEnabled;

    public static bool ShouldRecord(params Tensor?[] inputs)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var t in inputs) if (t != null && t.RequiresGrad) return true;
        return false;
    }

    /// <summary>Marks <paramref name="result"/> as produced by a differentiable operation.</summary>
    public static void Record(Tensor result, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        result.GradFn = new Node(inputs, backward);
        result.RequiresGrad = true;
    }

    /// <summary>Back-propagates <paramref name="grad"/> (ones for a scalar root) through the recorded graph.</summary>
    public static void Backward(Tensor root, Tensor? grad, bool retainGraph)
    {
        if (!root.RequiresGrad) throw new InvalidOperationException("Backward() on a tensor that does not require grad.");
        if (grad == null)
        {
            if (root.Size != 1) throw new InvalidOperationException("Backward() without a gradient needs a one-element tensor.");
            grad = Tensor.Full(1f, root.ShapeArray);
        }
        else if (!ShapeUtil.SameShape(grad.Shape, root.Shape))
            throw new ArgumentException("Backward(): gradient shape differs from the tensor's.");

        var order = TopologicalOrder(root);
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance) { [root] = grad };
        // Gradients we allocated for accumulation: safe to add into in place. Others may alias tensors that a
        // backward function returned for several inputs, so they are copied before being modified or kept.
        var owned = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        using var noGrad = GradMode.NoGrad();
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            if (!grads.Remove(t, out var g)) continue;
            var node = t.GradFn;
            if (node == null)
            {
                if (t.Grad == null) t.Grad = g.HeapCopy(); // gradients outlive the step: never arena-backed
                else t.Grad.AddInPlace(g);
                continue;
            }
            if (node.BackwardFn == null)
                throw new InvalidOperationException("Backward() through a graph that was already freed; pass retainGraph: true to the first call.");
            var inputGrads = node.BackwardFn(g);
            for (int k = 0; k < node.Inputs.Length; k++)
            {
                var input = node.Inputs[k];
                var ig = inputGrads[k];
                if (ig == null || !input.RequiresGrad) continue;
                if (!ShapeUtil.SameShape(ig.Shape, input.Shape))
                    throw new InvalidOperationException($"Internal: gradient shape {ShapeUtil.Str(ig.Shape)} for input {ShapeUtil.Str(input.Shape)}.");
                if (grads.TryGetValue(input, out var acc))
                {
                    // Accumulate into a buffer we own (never into a tensor a backward function may still reference).
                    if (owned.Contains(acc)) acc.AddInPlace(ig);
                    else
                    {
                        var sum = acc.Clone();
                        sum.AddInPlace(ig);
                        owned.Add(sum);
                        grads[input] = sum;
                    }
                }
                else grads[input] = ig;
            }
            if (!retainGraph) node.Release();
        }
    }

    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        // Iterative DFS (recurrent nets make graphs thousands of nodes deep).
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor t, int next)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.GradFn?.Inputs ?? Array.Empty<Tensor>();
            if (next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var child = inputs[next];
                if (child.RequiresGrad && visited.Add(child)) stack.Push((child, 0));
            }
            else order.Add(t);
        }
        return order;
    }
}
