using Groove.Embeddings;
using Groove.Nn;
using Groove.Rhythm.Learned;
using Groove.Rhythm.ZeroNoteSamba;

namespace Groove.EngineBench;

/// <summary>
/// One branch of the shipped small Zero-Note Samba network (<see cref="SyncPredNetConfig.Small"/>, models/zerons-small:
/// eight 'same' convolutions of 8…32 channels with time dilations 1…16, frequency max-pooling 4, 3, 8, ReLU, then a
/// 1×1 head) on one pretext batch of 16 windows × 96 bins × 313 frames, through <see cref="SyncPredBranch"/> itself.
/// Dropout is set to 0 on both sides (its masks do not change the arithmetic to time). Same model as torch_bench.py.
/// </summary>
sealed class ZeroNsSmallBench() : ModelBench(trainInArena: true)
{
    public const int Batch = 16, Bins = 96, Frames = 313;
    readonly SyncPredBranch _net = new(SyncPredNetConfig.Small with { Dropout = 0f }, new Rng(21));
    readonly Tensor _x = Tensor.Randn(new Rng(22), Batch, 1, Bins, Frames);

    protected override void ZeroGrad() => _net.ZeroGrad();
    protected override Tensor Loss() => _net.Logits(_x).Sum();
    protected override void Forward() => _net.Logits(_x);
}

/// <summary>
/// The Tile2Vec encoder as shipped (models/tile2vec-small: <see cref="Tile2VecConfig.Small"/>, a ResNet-18-style net
/// of 8…64 channels with 3×3 convolutions and BatchNorm in training mode) on one training batch of 16 triplets =
/// 48 log-mel tiles of 128 × 500. Loss = Σ raw embeddings. Same model as torch_bench.py.
/// </summary>
sealed class Tile2VecBench() : ModelBench(trainInArena: true)
{
    public const int Batch = 48, Mels = 128, Frames = 500;
    readonly Tile2VecNet _net = new(Tile2VecConfig.Small, new Rng(31));
    readonly Tensor _x = Tensor.Randn(new Rng(32), Batch, 1, Mels, Frames);

    protected override void ZeroGrad() => _net.ZeroGrad();
    protected override Tensor Loss() => _net.Forward(_x).Sum();
    protected override void Forward() => _net.Forward(_x);
}

/// <summary>
/// The beat TCN as shipped (models/beat-tcn: <see cref="BeatTcnNetwork"/>, 16 channels, 8 residual blocks of dilated
/// 1-D convolutions, kernel 5, dilations 1…128, beat/downbeat and 300-class tempo heads) on one training batch of
/// 6 excerpts of 12 s at 50 fps (600 frames × 81 bands). Dropout 0 on both sides. Loss = Σ frame logits + Σ tempo
/// logits. Same model as torch_bench.py.
/// </summary>
sealed class BeatTcnBench() : ModelBench(trainInArena: true)
{
    public const int Batch = 6, Frames = 600, Bands = 81;
    readonly BeatTcnNetwork _net = new(new BeatNetConfig { Layers = 8, Dropout = 0f }, new Rng(41), new Rng(42));
    readonly Tensor _x = Tensor.Randn(new Rng(43), Batch, Frames, Bands);

    protected override void ZeroGrad() => _net.ZeroGrad();
    protected override void Forward() => _net.Run(_x);

    protected override Tensor Loss()
    {
        var (frames, tempo) = _net.Run(_x);
        return frames.Sum() + tempo!.Sum();
    }
}
