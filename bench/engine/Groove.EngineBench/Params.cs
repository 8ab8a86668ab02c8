using Groove.Nn;

namespace Groove.EngineBench;

/// <summary>Creates trainable parameters (normal, std 1/√fan-in) and clears their gradients between steps.</summary>
sealed class Params(ulong seed)
{
    readonly Rng _rng = new(seed);
    readonly List<Tensor> _all = [];

    public Tensor New(int fanIn, params int[] shape)
    {
        var t = Tensor.Randn(_rng, shape).MulScalar(1f / MathF.Sqrt(fanIn));
        t.RequiresGrad = true;
        _all.Add(t);
        return t;
    }

    public void ZeroGrad()
    {
        foreach (var t in _all) t.Grad = null;
    }

    public Tensor Input(params int[] shape) => Tensor.Randn(_rng, shape);
}
