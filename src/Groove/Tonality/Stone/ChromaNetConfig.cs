using System.Globalization;

namespace Groove.Tonality.Stone;

/// <summary>
/// Size of a <see cref="ChromaNet"/>: <see cref="Stages"/> stages of <see cref="Width"/> channels, depthwise
/// <see cref="Kernel"/>×<see cref="Kernel"/> convolutions, stochastic depth <see cref="DropPath"/>, layer-scale
/// initial value <see cref="LayerScaleInit"/>, and <see cref="Modes"/> output columns of 12 classes each.
/// </summary>
public sealed record ChromaNetConfig
{
    /// <summary>Channels of every stage.</summary>
    public int Width { get; init; } = 16;
    /// <summary>Number of (time-downsampling + ConvNeXt block) stages.</summary>
    public int Stages { get; init; } = 7;
    /// <summary>Depthwise kernel size (odd).</summary>
    public int Kernel { get; init; } = 5;
    /// <summary>Largest drop-path probability (grows linearly to it over the stages).</summary>
    public float DropPath { get; init; } = 0.1f;
    /// <summary>Initial layer-scale value of each block's residual branch.</summary>
    public float LayerScaleInit { get; init; } = 1e-2f;
    /// <summary>Softmax temperature of the output (small = sharper profiles, which the CPSD loss needs to move away
    /// from the uniform profile, where its gradient vanishes).</summary>
    public float Temperature { get; init; } = 0.1f;
    /// <summary>Output columns of 12 key-signature classes: 1 = STONE (12 outputs), 2 = 24-STONE / Semi-TONE
    /// (column 0 major, column 1 minor; one softmax over all 24 outputs, index = mode·12 + signature class).</summary>
    public int Modes { get; init; } = 1;

    /// <summary>Number of outputs, 12·<see cref="Modes"/>.</summary>
    public int Outputs => 12 * Modes;

    internal void Validate()
    {
        if (Width < 1 || Stages < 1 || Kernel < 1 || Kernel % 2 == 0 || DropPath is < 0 or >= 1 || !(Temperature > 0) || Modes is not (1 or 2))
            throw new GrooveException($"invalid ChromaNet size (width {Width}, stages {Stages}, kernel {Kernel}, drop path {DropPath}, modes {Modes})");
    }

    /// <summary>The configuration as safetensors metadata entries.</summary>
    public Dictionary<string, string> ToMetadata() => new()
    {
        ["chromanet.width"] = Width.ToString(CultureInfo.InvariantCulture),
        ["chromanet.stages"] = Stages.ToString(CultureInfo.InvariantCulture),
        ["chromanet.kernel"] = Kernel.ToString(CultureInfo.InvariantCulture),
        ["chromanet.drop_path"] = DropPath.ToString("R", CultureInfo.InvariantCulture),
        ["chromanet.layer_scale_init"] = LayerScaleInit.ToString("R", CultureInfo.InvariantCulture),
        ["chromanet.temperature"] = Temperature.ToString("R", CultureInfo.InvariantCulture),
        ["chromanet.modes"] = Modes.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Reads a configuration written by <see cref="ToMetadata"/> (files without <c>chromanet.modes</c> are 12-output models).</summary>
    public static ChromaNetConfig FromMetadata(IReadOnlyDictionary<string, string> meta, string source)
    {
        int I(string k) => meta.TryGetValue(k, out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int r)
            ? r : throw new GrooveException($"{source}: model lacks '{k}' metadata");
        float F(string k, float d) => meta.TryGetValue(k, out var v) && float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out float r) ? r : d;
        var c = new ChromaNetConfig
        {
            Width = I("chromanet.width"), Stages = I("chromanet.stages"), Kernel = I("chromanet.kernel"),
            DropPath = F("chromanet.drop_path", 0.1f), LayerScaleInit = F("chromanet.layer_scale_init", 1e-2f),
            Temperature = F("chromanet.temperature", 1f),
            Modes = meta.ContainsKey("chromanet.modes") ? I("chromanet.modes") : 1,
        };
        c.Validate();
        return c;
    }
}
