using Groove.Nn;

namespace Groove.Tonality.Stone;

/// <summary>
/// STONE's ChromaNet (Kong et al., ISMIR 2024): a convnet with octave equivalence. Input: [N, 1, 84, T] CQT crops
/// (<see cref="StoneFrontEnd"/>). Stages of (time downsampling + ConvNeXt block) keep the 84 frequency bins; octave
/// pooling averages the 7 octaves into 12 pitch classes; time averaging and a linear map over channels shared by all
/// 12 classes give 12 logits; a softmax gives the key-signature profile [N, 12]. Because every layer is a
/// convolution along frequency and the pooling folds bins modulo 12, transposing the input by a semitone rotates the
/// profile by one class (up to edge effects at the ends of the frequency axis).
/// </summary>
public sealed class ChromaNet : Module
{
    private readonly List<(TimeDownsampling Down, ConvNeXtBlock Block)> _stages = new();
    private readonly Linear _head;

    /// <summary>The network's size.</summary>
    public ChromaNetConfig Config { get; }

    /// <summary>A freshly initialised network drawing its weights (and its drop-path masks) from <paramref name="rng"/>.</summary>
    public ChromaNet(ChromaNetConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        int c = 1;
        for (int s = 0; s < config.Stages; s++)
        {
            float dp = config.Stages == 1 ? config.DropPath : config.DropPath * s / (config.Stages - 1);
            var down = RegisterModule($"down{s}", new TimeDownsampling(c, config.Width, rng));
            var block = RegisterModule($"block{s}", new ConvNeXtBlock(config.Width, config.Kernel, config.LayerScaleInit, dp, rng));
            _stages.Add((down, block));
            c = config.Width;
        }
        _head = RegisterModule("head", new Linear(config.Width, 1, rng));
    }

    /// <summary>Key-signature logits [N, 12] of CQT crops [N, 1, 84, T], divided by the temperature.</summary>
    public Tensor Logits(Tensor x)
    {
        if (x.Rank != 4 || x.Dim(1) != 1 || x.Dim(2) != StoneFrontEnd.CropBins)
            throw new ArgumentException($"ChromaNet expects [N, 1, {StoneFrontEnd.CropBins}, T], got {ShapeUtil.Str(x.Shape)}.");
        foreach (var (down, block) in _stages) x = block.Forward(down.Forward(x));
        var pooled = OctavePool(x).Mean(-1);                 // [N, C, 12]
        return _head.Forward(pooled.Permute(0, 2, 1)).Squeeze(-1) * (1f / Config.Temperature); // [N, 12]
    }

    /// <summary>Key-signature profile (softmax over 12 classes) [N, 12] of CQT crops [N, 1, 84, T].</summary>
    public override Tensor Forward(Tensor x) => Functional.Softmax(Logits(x), -1);

    /// <summary>
    /// Folds the frequency axis of [N, C, 12·k, T] into 12 pitch classes by averaging the k octaves: output
    /// [N, C, 12, T] with class q = mean of bins q, q+12, …. A cyclic shift of the bins by s shifts the classes by s mod 12.
    /// </summary>
    public static Tensor OctavePool(Tensor x)
    {
        int n = x.Dim(0), c = x.Dim(1), f = x.Dim(2), t = x.Dim(3);
        if (f % StoneFrontEnd.BinsPerOctave != 0) throw new ArgumentException($"OctavePool: {f} bins are not whole octaves.");
        return x.Contiguous().Reshape(n, c, f / StoneFrontEnd.BinsPerOctave, StoneFrontEnd.BinsPerOctave, t).Mean(2);
    }
}
