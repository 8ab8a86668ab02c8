using System.Globalization;

namespace Groove.Rhythm.Learned;

/// <summary>
/// Size of a supervised multi-task beat network (<see cref="BeatTcnNetwork"/> or <see cref="BeatGruNetwork"/>): both
/// read <see cref="BeatFeatures"/> (log-mel, standardised per band) and give beat and downbeat logits per frame;
/// the TCN also classifies the tempo.
/// </summary>
public sealed record BeatNetConfig
{
    /// <summary>"tcn" or "gru".</summary>
    public string Kind { get; init; } = "tcn";
    /// <summary>Feature frame rate.</summary>
    public int FramesPerSecond { get; init; } = 50;
    /// <summary>Mel bands.</summary>
    public int Bands { get; init; } = 81;
    /// <summary>Channels of the convolutions (TCN) or GRU units per direction (GRU).</summary>
    public int Width { get; init; } = 16;
    /// <summary>TCN: dilated blocks (dilations 1, 2, 4 … 2^(n−1)); GRU: bidirectional layers.</summary>
    public int Layers { get; init; } = 10;
    /// <summary>TCN kernel size over time.</summary>
    public int KernelSize { get; init; } = 5;
    /// <summary>Dropout rate.</summary>
    public float Dropout { get; init; } = 0.1f;
    /// <summary>Tempo classes: class k is k BPM (TCN only).</summary>
    public int TempoClasses { get; init; } = 300;

    /// <summary>The config as safetensors metadata.</summary>
    public Dictionary<string, string> ToMetadata() => new()
    {
        ["kind"] = Kind, ["fps"] = I(FramesPerSecond), ["bands"] = I(Bands), ["width"] = I(Width), ["layers"] = I(Layers),
        ["kernel"] = I(KernelSize), ["dropout"] = Dropout.ToString("R", CultureInfo.InvariantCulture), ["tempo_classes"] = I(TempoClasses),
    };

    /// <summary>Reads <see cref="ToMetadata"/>.</summary>
    /// <exception cref="GrooveException">A key is missing or invalid.</exception>
    public static BeatNetConfig FromMetadata(IReadOnlyDictionary<string, string> m, string what) => new()
    {
        Kind = m.TryGetValue("kind", out var k) && k is "tcn" or "gru" ? k : throw new GrooveException($"{what}: metadata 'kind' missing or invalid"),
        FramesPerSecond = Int(m, "fps", what), Bands = Int(m, "bands", what), Width = Int(m, "width", what), Layers = Int(m, "layers", what),
        KernelSize = Int(m, "kernel", what), TempoClasses = Int(m, "tempo_classes", what),
        Dropout = m.TryGetValue("dropout", out var d) && float.TryParse(d, NumberStyles.Float, CultureInfo.InvariantCulture, out var dv) ? dv : 0.1f,
    };

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static int Int(IReadOnlyDictionary<string, string> m, string key, string what) =>
        m.TryGetValue(key, out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v : throw new GrooveException($"{what}: metadata '{key}' missing or invalid");
}
