using Groove.Nn;
using Groove.Rhythm.Learned;

namespace Groove.EngineBench;

/// <summary>
/// The supervised beat network <see cref="BeatGruNetwork"/> (Rhythm/Learned, <c>groove train beats --model gru</c>) at
/// issue 15's size of the seed's tracker: log-mel (81 bands, <see cref="BeatFeatures"/>' default) and its positive
/// first difference at 43 fps into 5 bidirectional GRU layers (5 forward + 5 backward GRUs) of 20 units and a linear
/// layer to beat and downbeat logits, on one training batch (the trainer's default: 8 excerpts of
/// 8 s, 344 frames). Dropout 0 on both sides (same arithmetic). Loss = Σ logits. Same model as torch_bench.py.
/// </summary>
sealed class BeatGruBench() : ModelBench(trainInArena: false)
{
    public const int Batch = 8, Frames = 344, Bands = 81, Width = 20, Layers = 5, Fps = 43;
    readonly BeatNetwork _net = BeatNetwork.Create(
        new BeatNetConfig { Kind = "gru", Bands = Bands, Width = Width, Layers = Layers, Dropout = 0f },
        new Rng(15), new Rng(17));
    readonly Tensor _x = Tensor.Randn(new Rng(16), Batch, Frames, Bands);

    protected override void ZeroGrad() => _net.ZeroGrad();
    protected override Tensor Loss() => _net.Run(_x).Frames.Sum();
    protected override void Forward() => _net.Run(_x);
}
