using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Groove.Nn;

/// <summary>
/// Adam (Kingma &amp; Ba, ICLR 2015) and, with <c>decoupledWeightDecay</c>, AdamW (Loshchilov &amp; Hutter, ICLR 2019),
/// computed as PyTorch does: p −= lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε).
/// </summary>
public sealed class Adam : Optimizer
{
    public float Beta1 { get; }
    public float Beta2 { get; }
    public float Eps { get; }
    public bool Decoupled { get; }
    private readonly Dictionary<Tensor, (string Name, Tensor M, Tensor V)> _state = new(ReferenceEqualityComparer.Instance);
    private float[] _scratch = Array.Empty<float>();

    public Adam(IEnumerable<ParamGroup> groups, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, bool decoupledWeightDecay = false) : base(groups)
    {
        (Beta1, Beta2, Eps, Decoupled) = (beta1, beta2, eps, decoupledWeightDecay);
        foreach (var g in Groups)
            foreach (var (n, p) in g.Params)
                _state[p] = (n, Tensor.Zeros(p.ShapeArray), Tensor.Zeros(p.ShapeArray));
    }

    public Adam(Module module, float lr = 1e-3f, float weightDecay = 0f)
        : this(new[] { new ParamGroup(module.NamedParameters(), lr, weightDecay) }) { }

    /// <summary>AdamW with weight decay on weights only (biases and 1-D norm parameters excluded).</summary>
    public static Adam AdamW(Module module, float lr = 1e-3f, float weightDecay = 1e-2f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f) =>
        new(ParamGroup.DecayAndNoDecay(module, lr, weightDecay), beta1, beta2, eps, decoupledWeightDecay: true);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Step()
    {
        long t = StepCount + 1;
        float bc1 = 1 - MathF.Pow(Beta1, t);
        float bc2Sqrt = MathF.Sqrt(1 - MathF.Pow(Beta2, t));
        foreach (var g in Groups)
            foreach (var (_, p) in g.Params)
            {
                if (p.Grad == null) continue;
                var (_, mT, vT) = _state[p];
                var ps = p.Span; var m = mT.Span; var v = vT.Span;
                if (_scratch.Length < ps.Length) _scratch = new float[ps.Length];
                var grad = _scratch.AsSpan(0, ps.Length);
                p.Grad.Contiguous().RawSpan.CopyTo(grad);
                if (g.WeightDecay != 0)
                {
                    if (Decoupled) TensorPrimitives.Multiply(ps, 1 - g.Lr * g.WeightDecay, ps);
                    else TensorPrimitives.MultiplyAdd(ps, g.WeightDecay, grad, grad);
                }
                float stepSize = g.Lr / bc1;
                for (int i = 0; i < ps.Length; i++)
                {
                    float gi = grad[i];
                    float mi = Beta1 * m[i] + (1 - Beta1) * gi;
                    float vi = Beta2 * v[i] + (1 - Beta2) * gi * gi;
                    m[i] = mi; v[i] = vi;
                    ps[i] -= stepSize * mi / (MathF.Sqrt(vi) / bc2Sqrt + Eps);
                }
            }
        StepCount++;
    }

    public override IEnumerable<(string Name, Tensor State)> StateTensors()
    {
        foreach (var (_, (n, m, v)) in _state)
        {
            yield return ("exp_avg." + n, m);
            yield return ("exp_avg_sq." + n, v);
        }
    }
}
