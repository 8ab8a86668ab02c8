using Groove.Nn;

namespace Groove.Tonality.Stone;

/// <summary>
/// STONE's ChromaNet (Kong et al., ISMIR 2024): a convnet with octave equivalence. Input: [N, 1, 84, T] CQT crops
/// (<see cref="StoneFrontEnd"/>). Stages of (time downsampling + ConvNeXt block) keep the 84 frequency bins; octave
/// pooling averages the 7 octaves into 12 pitch classes; time averaging and a linear map over channels shared by all
/// 12 classes give 12 logits; a softmax gives the key-signature profile [N, 12]. Because every layer is a
/// convolution along frequency and the pooling folds bins modulo 12, transposing the input by a semitone rotates the
/// profile by one class (up to edge effects at the ends of the frequency axis).
/// <para>With <see cref="ChromaNetConfig.Modes"/> = 2 (24-STONE / Semi-TONE in the same paper) the head maps each
/// class's channels to two outputs, a "major" and a "minor" column, giving 24 logits [N, 2·12] (index = mode·12 +
/// signature class) and one softmax over all 24. The key-signature profile is the sum of the two columns
/// (<see cref="SignatureProfile"/>) and the probability of major the sum of column 0 (<see cref="MajorProbability"/>).</para>
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
        _head = RegisterModule("head", new Linear(config.Width, config.Modes, rng));
    }

    /// <summary>Logits [N, 12·Modes] (mode-major: index = mode·12 + class) of CQT crops [N, 1, 84, T], divided by the temperature.</summary>
    public Tensor Logits(Tensor x)
    {
        if (x.Rank != 4 || x.Dim(1) != 1 || x.Dim(2) != StoneFrontEnd.CropBins)
            throw new ArgumentException($"ChromaNet expects [N, 1, {StoneFrontEnd.CropBins}, T], got {ShapeUtil.Str(x.Shape)}.");
        foreach (var (down, block) in _stages) x = block.Forward(down.Forward(x));
        var pooled = OctavePool(x).Mean(-1);                 // [N, C, 12]
        if (Config.Modes == 1)
            return _head.Forward(pooled.Permute(0, 2, 1)).Squeeze(-1) * (1f / Config.Temperature); // [N, 12]
        int n = pooled.Dim(0);
        var perClass = _head.Forward(pooled.Permute(0, 2, 1));                                  // [N, 12, Modes]
        return perClass.Permute(0, 2, 1).Contiguous().Reshape(n, Config.Outputs) * (1f / Config.Temperature);
    }

    /// <summary>Output distribution (softmax over all 12·Modes outputs) [N, 12·Modes] of CQT crops [N, 1, 84, T];
    /// for a 12-output network this is the key-signature profile.</summary>
    public override Tensor Forward(Tensor x) => Functional.Softmax(Logits(x), -1);

    /// <summary>Key-signature profile [N, 12] of output distributions <paramref name="y"/> [N, 12·m]: the sum of
    /// the m mode columns (<paramref name="y"/> itself when m = 1).</summary>
    public static Tensor SignatureProfile(Tensor y)
    {
        int n = y.Dim(0), m = ModesOf(y);
        return m == 1 ? y : y.Reshape(n, m, 12).Sum(1);
    }

    /// <summary>Probability of the major mode [N]: the sum of column 0 of 24-output distributions <paramref name="y"/> [N, 24].</summary>
    public static Tensor MajorProbability(Tensor y)
    {
        if (ModesOf(y) != 2) throw new ArgumentException($"MajorProbability expects [N, 24] outputs, got {ShapeUtil.Str(y.Shape)}.");
        return y.Narrow(1, 0, 12).Sum(1);
    }

    /// <summary>Swaps the two mode columns of a 24-output network (its head's two output rows).</summary>
    internal void SwapModeColumns()
    {
        if (Config.Modes != 2) throw new InvalidOperationException("only a 24-output network has two mode columns");
        using var _ = GradMode.NoGrad();
        var w = _head.Weight.Span;                 // [2, Width]
        int width = Config.Width;
        for (int i = 0; i < width; i++) (w[i], w[width + i]) = (w[width + i], w[i]);
        if (_head.Bias is { } bias) { var bs = bias.Span; (bs[0], bs[1]) = (bs[1], bs[0]); }
    }

    private static int ModesOf(Tensor y)
    {
        if (y.Rank != 2 || y.Dim(1) % 12 != 0 || y.Dim(1) == 0)
            throw new ArgumentException($"ChromaNet outputs are [N, 12·modes], got {ShapeUtil.Str(y.Shape)}.");
        return y.Dim(1) / 12;
    }

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
