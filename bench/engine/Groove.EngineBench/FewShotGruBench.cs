using Groove.Nn;
using Groove.Rhythm.Learned;

namespace Groove.EngineBench;

/// <summary>
/// The few-shot beat network in Rhythm/Learned (BiGruBeatNetwork) (<see cref="BiGruBeatOptions"/>' defaults: 81 log-mel
/// bands, two 3-tap 1-D convolutions of 16 channels with ELU, a 2-layer bidirectional GRU of 16 units, a linear
/// output) on one few-shot training batch: 4 excerpts of 8 s at 50 fps (400 frames). Loss = Σ logits.
/// Same model as torch_bench.py.
/// </summary>
sealed class FewShotGruBench() : ModelBench(trainInArena: false)
{
    public const int Batch = 4, Frames = 400, Bands = 81, Channels = 16, Hidden = 16, Layers = 2;
    readonly BiGruBeatNetwork _net = new(Bands, Channels, Hidden, Layers, new Rng(15));
    readonly Tensor _x = Tensor.Randn(new Rng(16), Batch, Frames, Bands);

    protected override void ZeroGrad() => _net.ZeroGrad();
    protected override Tensor Loss() => _net.Forward(_x).Sum();
    protected override void Forward() => _net.Forward(_x);
}
