using System.Globalization;

namespace Groove.Rhythm.ZeroNoteSamba;

/// <summary>
/// One 'same'-padded convolution of a <see cref="SyncPredBranch"/> over [channels, frequency, time]: output channels,
/// kernel (frequency × time), dilation along time, and the frequency max-pooling factor applied after it (1 = none).
/// </summary>
public readonly record struct SyncPredLayer(int Channels, int KernelFreq, int KernelTime, int DilationTime = 1, int PoolFreq = 1);

/// <summary>
/// Shape of a Zero-Note Samba synchrony-prediction network (<see cref="SyncPredNet"/>): the layers of each branch, the
/// dropout rate and the number of input bins. <see cref="Full"/> is the paper's branch; <see cref="Small"/> a variant
/// sized so that one pretext step (16 windows × 313 frames, both branches, forward and backward) fits in about half a
/// second on two CPU cores.
/// </summary>
public sealed record SyncPredNetConfig
{
    /// <summary>Name stored with the weights ("full", "small" or "custom").</summary>
    public string Name { get; init; } = "custom";
    /// <summary>Input frequency bins.</summary>
    public int Bins { get; init; } = ZeroNsFrontEnd.Bins;
    /// <summary>Subtracted from the log-VQT before the first layer (about the corpus mean, −4).</summary>
    public float InputMean { get; init; } = -4f;
    /// <summary>The centred log-VQT is divided by this (about the corpus standard deviation, 2.5).</summary>
    public float InputScale { get; init; } = 2.5f;
    /// <summary>Dropout after every convolution.</summary>
    public float Dropout { get; init; } = 0.1f;
    /// <summary>The convolutions, input first; their pooling must reduce <see cref="Bins"/> to exactly 1.</summary>
    public IReadOnlyList<SyncPredLayer> Layers { get; init; } = [];

    /// <summary>
    /// The paper's branch (Desblancs et al., TASLP 2023): eight convolutions with kernels (3,11), (7,13), (5,15), (9,17),
    /// (3,19), (5,21), (1,23), (1,25), channels 64, 64, 128, 128, 256, 256, 128, 128, frequency max-pooling by 3, 4
    /// and 8 after the 2nd, 4th and 6th (96 → 32 → 8 → 1 bins), ReLU and dropout 0.1 after each, then a 1×1
    /// convolution and a sigmoid per frame. Receptive field 137 frames (2.2 s).
    /// </summary>
    public static SyncPredNetConfig Full { get; } = new()
    {
        Name = "full",
        Layers =
        [
            new(64, 3, 11), new(64, 7, 13, 1, 3), new(128, 5, 15), new(128, 9, 17, 1, 4),
            new(256, 3, 19), new(256, 5, 21, 1, 8), new(128, 1, 23), new(128, 1, 25),
        ],
    };

    /// <summary>
    /// The CPU-sized variant: narrower (8 → 32 channels), frequency pooling from the first layer (96 → 24 → 8 → 1
    /// bins), and short dilated kernels along time instead of wide ones (dilations 1, 2, 4, 8, 16, 1, 2, 4), which keep
    /// a receptive field of 139 frames (2.2 s), about the paper's 137.
    /// </summary>
    public static SyncPredNetConfig Small { get; } = new()
    {
        Name = "small",
        Layers =
        [
            new(8, 3, 5, 1, 4), new(16, 3, 5, 2, 3), new(32, 3, 5, 4, 8), new(32, 1, 5, 8),
            new(32, 1, 5, 16), new(32, 1, 3, 1), new(32, 1, 3, 2), new(32, 1, 3, 4),
        ],
    };

    /// <summary>The configuration called <paramref name="name"/> ("small" or "full").</summary>
    public static SyncPredNetConfig Named(string name) => name.Trim().ToLowerInvariant() switch
    {
        "small" => Small,
        "full" => Full,
        _ => throw new GrooveException($"unknown network size '{name}' (choose small or full)"),
    };

    /// <summary>Receptive field along time, in frames.</summary>
    public int ReceptiveField => 1 + Layers.Sum(l => (l.KernelTime - 1) * l.DilationTime);

    /// <summary>Checks that the layers are valid and pool the bins down to one.</summary>
    public void Validate()
    {
        if (Layers.Count == 0) throw new GrooveException("a SyncPredNet needs at least one layer");
        if (!(InputScale > 0) || !float.IsFinite(InputMean)) throw new GrooveException("the input scale must be positive and the input mean finite");
        if (Dropout is < 0 or >= 1) throw new GrooveException($"dropout {Dropout} outside [0, 1)");
        int h = Bins;
        foreach (var l in Layers)
        {
            if (l.Channels < 1 || l.KernelFreq < 1 || l.KernelTime < 1 || l.DilationTime < 1 || l.PoolFreq < 1)
                throw new GrooveException($"invalid SyncPredNet layer {l}");
            if (h % l.PoolFreq != 0) throw new GrooveException($"frequency pooling by {l.PoolFreq} does not divide {h} bins");
            h /= l.PoolFreq;
        }
        if (h != 1) throw new GrooveException($"the layers pool {Bins} bins to {h}, not 1");
    }

    /// <summary>Settings as safetensors metadata.</summary>
    public Dictionary<string, string> ToMetadata() => new()
    {
        ["syncpred.name"] = Name,
        ["syncpred.bins"] = Bins.ToString(CultureInfo.InvariantCulture),
        ["syncpred.dropout"] = Dropout.ToString("R", CultureInfo.InvariantCulture),
        ["syncpred.input_mean"] = InputMean.ToString("R", CultureInfo.InvariantCulture),
        ["syncpred.input_scale"] = InputScale.ToString("R", CultureInfo.InvariantCulture),
        ["syncpred.layers"] = string.Join(";", Layers.Select(l => string.Create(CultureInfo.InvariantCulture,
            $"{l.Channels},{l.KernelFreq},{l.KernelTime},{l.DilationTime},{l.PoolFreq}"))),
    };

    /// <summary>Settings read back from <see cref="ToMetadata"/>.</summary>
    public static SyncPredNetConfig FromMetadata(IReadOnlyDictionary<string, string> meta, string source)
    {
        string Get(string k) => meta.TryGetValue(k, out var v) ? v : throw new GrooveException($"{source}: metadata '{k}' missing");
        try
        {
            var layers = Get("syncpred.layers").Split(';').Select(s =>
            {
                var p = s.Split(',').Select(v => int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray();
                return new SyncPredLayer(p[0], p[1], p[2], p[3], p[4]);
            }).ToList();
            var cfg = new SyncPredNetConfig
            {
                Name = Get("syncpred.name"),
                Bins = int.Parse(Get("syncpred.bins"), NumberStyles.Integer, CultureInfo.InvariantCulture),
                Dropout = float.Parse(Get("syncpred.dropout"), CultureInfo.InvariantCulture),
                InputMean = float.Parse(Get("syncpred.input_mean"), CultureInfo.InvariantCulture),
                InputScale = float.Parse(Get("syncpred.input_scale"), CultureInfo.InvariantCulture),
                Layers = layers,
            };
            cfg.Validate();
            return cfg;
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
        {
            throw new GrooveException($"{source}: invalid SyncPredNet metadata ({e.Message})");
        }
    }
}
