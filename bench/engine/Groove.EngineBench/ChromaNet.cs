using Groove.Nn;
using Groove.Tonality.Stone;

namespace Groove.EngineBench;

/// <summary>
/// STONE's ChromaNet as shipped (models/stone12: <see cref="ChromaNetConfig"/>'s defaults, width 16, seven stages of
/// a 1×3/2 time-downsampling convolution and a ConvNeXt block with a 5×5 depthwise convolution, octave pooling,
/// linear head, temperature 0.1) on one stone12 training batch: 8 tracks × 3 excerpts of 6 s = 24 CQT crops of
/// 84 bins × 258 frames. Drop path is set to 0 so that both peers do the same arithmetic (its masks are cheap).
/// Loss = Σ logits. The step's buffers come from a <see cref="TensorArena"/>, as in the trainers. Same model as torch_bench.py.
/// </summary>
sealed class ChromaNetBench() : ModelBench(trainInArena: true)
{
    public const int Batch = 24, Bins = 84, Frames = 258;
    readonly Groove.Tonality.Stone.ChromaNet _net = new(new ChromaNetConfig { DropPath = 0f }, new Rng(12));
    readonly Tensor _x = Tensor.Randn(new Rng(13), Batch, 1, Bins, Frames);

    protected override void ZeroGrad() => _net.ZeroGrad();
    protected override Tensor Loss() => _net.Logits(_x).Sum();
    protected override void Forward() => _net.Logits(_x);
}
