using Groove.Nn;

namespace Groove.Embeddings;

/// <summary>
/// ResNet basic block (He et al. 2016): conv3×3 → BN → ReLU → conv3×3 → BN, plus the input (through a strided 1×1
/// convolution and BN when the shape changes), then ReLU.
/// </summary>
internal sealed class BasicBlock : Module
{
    private readonly Conv2d _conv1, _conv2;
    private readonly BatchNorm2d _bn1, _bn2;
    private readonly Conv2d? _down;
    private readonly BatchNorm2d? _downBn;

    public BasicBlock(int inChannels, int outChannels, int stride, Rng rng)
    {
        _conv1 = RegisterModule("conv1", new Conv2d(inChannels, outChannels, (3, 3), rng, (stride, stride), (1, 1), bias: false));
        _bn1 = RegisterModule("bn1", new BatchNorm2d(outChannels));
        _conv2 = RegisterModule("conv2", new Conv2d(outChannels, outChannels, (3, 3), rng, null, (1, 1), bias: false));
        _bn2 = RegisterModule("bn2", new BatchNorm2d(outChannels));
        if (stride != 1 || inChannels != outChannels)
        {
            _down = RegisterModule("down", new Conv2d(inChannels, outChannels, (1, 1), rng, (stride, stride), bias: false));
            _downBn = RegisterModule("down_bn", new BatchNorm2d(outChannels));
        }
    }

    public override Tensor Forward(Tensor x)
    {
        var y = _bn1.Forward(_conv1.Forward(x)).Relu();
        y = _bn2.Forward(_conv2.Forward(y));
        var skip = _down is null ? x : _downBn!.Forward(_down.Forward(x));
        return (y + skip).Relu();
    }
}

/// <summary>
/// The Tile2Vec encoder for audio: a ResNet-18-style network (<see cref="Tile2VecConfig"/>) over a 5 s log-mel
/// tile [N, 1, 128 mels, 500 frames]: input BatchNorm (scales the raw log-mel), stem (7×7 stride 2 conv, BN, ReLU,
/// 3×3 stride 2 max-pool), four stages (the first at stride 1, the others at stride 2), global average pooling and a
/// linear projection to the embedding. The output is not normalised; <see cref="Embed"/> L2-normalises it, as the
/// triplet loss does (<see cref="TripletLoss"/>).
/// </summary>
public sealed class Tile2VecNet : Module
{
    private readonly BatchNorm2d _inputBn;
    private readonly Conv2d _stem;
    private readonly BatchNorm2d _stemBn;
    private readonly List<BasicBlock> _blocks = new();
    private readonly Linear _project;

    /// <summary>The shape.</summary>
    public Tile2VecConfig Config { get; }

    public Tile2VecNet(Tile2VecConfig config, Rng rng)
    {
        Config = config;
        _inputBn = RegisterModule("input_bn", new BatchNorm2d(1));
        _stem = RegisterModule("stem", new Conv2d(1, config.Channels(0), (7, 7), rng, (2, 2), (3, 3), bias: false));
        _stemBn = RegisterModule("stem_bn", new BatchNorm2d(config.Channels(0)));
        int c = config.Channels(0);
        for (int s = 0; s < 4; s++)
            for (int b = 0; b < config.BlocksPerStage; b++)
            {
                int outC = config.Channels(s);
                _blocks.Add(RegisterModule($"s{s}b{b}", new BasicBlock(c, outC, s > 0 && b == 0 ? 2 : 1, rng)));
                c = outC;
            }
        _project = RegisterModule("project", new Linear(c, config.Dimension, rng));
    }

    /// <summary>Raw embeddings [N, D] of tiles [N, 1, 128, 500].</summary>
    public override Tensor Forward(Tensor x)
    {
        var y = _stemBn.Forward(_stem.Forward(_inputBn.Forward(x))).Relu();
        y = Functional.MaxPool2d(y, (3, 3), (2, 2), (1, 1));
        foreach (var b in _blocks) y = b.Forward(y);
        y = y.Mean(new[] { 2, 3 });
        return _project.Forward(y);
    }

    /// <summary>L2-normalised embeddings [N, D].</summary>
    public Tensor Embed(Tensor tiles) => Functional.Normalize(Forward(tiles), 1);
}
