using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Groove.Nn;

/// <summary>Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay (PyTorch's SGD).</summary>
public sealed class Sgd : Optimizer
{
    public float Momentum { get; }
    public bool Nesterov { get; }
    public float Dampening { get; }
    private readonly Dictionary<Tensor, Tensor> _buf = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, string> _names = new(ReferenceEqualityComparer.Instance);

    public Sgd(IEnumerable<ParamGroup> groups, float momentum = 0f, bool nesterov = false, float dampening = 0f) : base(groups)
    {
        if (nesterov && (momentum <= 0 || dampening != 0)) throw new ArgumentException("Nesterov momentum needs momentum > 0 and no dampening.");
        (Momentum, Nesterov, Dampening) = (momentum, nesterov, dampening);
        foreach (var g in Groups)
            foreach (var (n, p) in g.Params)
            {
                _names[p] = n;
                if (momentum != 0) _buf[p] = Tensor.Zeros(p.ShapeArray);
            }
    }

    public Sgd(Module module, float lr, float momentum = 0f, bool nesterov = false, float weightDecay = 0f)
        : this(new[] { new ParamGroup(module.NamedParameters(), lr, weightDecay) }, momentum, nesterov) { }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Step()
    {
        bool first = StepCount == 0;
        foreach (var g in Groups)
            foreach (var (_, p) in g.Params)
            {
                if (p.Grad == null) continue;
                var ps = p.Span;
                var grad = p.Grad.Contiguous().RawSpan.ToArray();
                if (g.WeightDecay != 0) TensorPrimitives.MultiplyAdd(ps, g.WeightDecay, grad, grad);
                if (Momentum != 0)
                {
                    var b = _buf[p].Span;
                    if (first) grad.CopyTo(b);
                    else
                    {
                        TensorPrimitives.Multiply(b, Momentum, b);
                        TensorPrimitives.MultiplyAdd(grad, 1 - Dampening, b, b);
                    }
                    if (Nesterov) TensorPrimitives.MultiplyAdd(b, Momentum, grad, grad);
                    else b.CopyTo(grad);
                }
                TensorPrimitives.MultiplyAdd(grad, -g.Lr, ps, ps);
            }
        StepCount++;
    }

    public override IEnumerable<(string Name, Tensor State)> StateTensors() =>
        _buf.Select(kv => ("momentum_buffer." + _names[kv.Key], kv.Value));
}
