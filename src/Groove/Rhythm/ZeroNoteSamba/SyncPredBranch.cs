using Groove.Nn;

namespace Groove.Rhythm.ZeroNoteSamba;

/// <summary>
/// One branch of the synchrony-prediction network: 'same' 2-D convolutions over a log-VQT [N, 1, bins, frames], each
/// followed by frequency max-pooling (when configured), ReLU and dropout, until one frequency row is left; then a 1×1
/// convolution to one channel, whose sigmoid is the branch's frame-wise activation [N, frames].
/// Two departures from the paper's code, both needed for the small network to learn in a few thousand steps: the
/// log-VQT is standardised by fixed constants (<see cref="SyncPredNetConfig.InputMean"/>, <see cref="SyncPredNetConfig.InputScale"/>),
/// and the convolutions start from He initialisation (uniform, bound √(6 / fan-in), zero bias) instead of PyTorch's
/// default, which shrinks the signal's variance about six-fold per ReLU layer so that after eight layers the output
/// hardly varies over time and the contrastive loss has almost no gradient.
/// </summary>
public sealed class SyncPredBranch : Module
{
    private readonly SyncPredNetConfig _config;
    private readonly List<Conv2d> _convs = new();
    private readonly Dropout _dropout;
    private readonly Conv2d _head;

    /// <summary>A freshly initialised branch (PyTorch's default initialisation, drawn from <paramref name="rng"/>;
    /// dropout masks keep drawing from it).</summary>
    public SyncPredBranch(SyncPredNetConfig config, Rng rng)
    {
        config.Validate();
        _config = config;
        int cin = 1;
        for (int i = 0; i < config.Layers.Count; i++)
        {
            var l = config.Layers[i];
            var conv = RegisterModule($"conv{i}", new Conv2d(cin, l.Channels, (l.KernelFreq, l.KernelTime), rng,
                dilation: (1, l.DilationTime), mode: ConvPadMode.Same));
            float bound = MathF.Sqrt(6f / (cin * l.KernelFreq * l.KernelTime));
            rng.FillUniform(conv.Weight.Span, -bound, bound);
            conv.Bias!.Span.Clear();
            _convs.Add(conv);
            cin = l.Channels;
        }
        _dropout = RegisterModule("dropout", new Dropout(config.Dropout, rng));
        _head = RegisterModule("head", new Conv2d(cin, 1, (1, 1), rng));
    }

    /// <summary>Pre-sigmoid activation [N, frames] of inputs [N, 1, bins, frames].</summary>
    public Tensor Logits(Tensor x)
    {
        var y = _head.Forward(Hidden(x)); // [N, 1, 1, T]
        return y.Reshape(y.Dim(0), y.Dim(3));
    }

    /// <summary>Channels of <see cref="Hidden"/>.</summary>
    public int HiddenChannels => _config.Layers[^1].Channels;

    /// <summary>The last convolution's output (after ReLU and dropout) [N, channels, 1, frames], which the head reads.</summary>
    public Tensor Hidden(Tensor x)
    {
        if (x.Rank != 4 || x.Dim(1) != 1 || x.Dim(2) != _config.Bins)
            throw new ArgumentException($"SyncPredBranch expects [N, 1, {_config.Bins}, frames], got {ShapeUtil.Str(x.Shape)}");
        x = (x - _config.InputMean) * (1f / _config.InputScale);
        for (int i = 0; i < _convs.Count; i++)
        {
            x = _convs[i].Forward(x);
            int pool = _config.Layers[i].PoolFreq;
            if (pool > 1) x = Functional.MaxPool2d(x, (pool, 1));
            x = _dropout.Forward(x.Relu());
        }
        return x;
    }

    /// <summary>Activation in (0, 1), [N, frames].</summary>
    public override Tensor Forward(Tensor x) => Logits(x).Sigmoid();

    /// <summary>The 1×1 output convolution (trained alone when only the heads are fine-tuned).</summary>
    public Module Head => _head;
}
