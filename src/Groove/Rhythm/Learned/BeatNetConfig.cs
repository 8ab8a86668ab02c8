using System.Globalization;
using Groove.Rhythm.ZeroNoteSamba;

namespace Groove.Rhythm.Learned;

/// <summary>
/// Size of a supervised multi-task beat network (<see cref="BeatTcnNetwork"/> or <see cref="BeatGruNetwork"/>) and
/// its input: <c>mel</c> (<see cref="BeatFeatures"/>: log-mel, standardised per band, hop <see cref="Hop"/> at
/// 22.05 kHz) or <c>zerons</c> (<see cref="ZeroNsBeatFeatures"/>: the percussive and non-percussive log-VQT at
/// 62.5 fps, read by a Zero-Note Samba front end, <see cref="ZeroNsBeatFrontEnd"/>). Both networks give beat and
/// downbeat logits per frame; the TCN also classifies the tempo.
/// </summary>
public sealed record BeatNetConfig
{
    /// <summary>Input "mel".</summary>
    public const string MelInput = "mel";
    /// <summary>Input "zerons".</summary>
    public const string ZeroNsInput = "zerons";

    /// <summary>"tcn" or "gru".</summary>
    public string Kind { get; init; } = "tcn";
    /// <summary><see cref="MelInput"/> or <see cref="ZeroNsInput"/>.</summary>
    public string Input { get; init; } = MelInput;
    /// <summary>Mel input: hop in samples at 22.05 kHz (441 = 50 fps, 512 ≈ 43 fps).</summary>
    public int Hop { get; init; } = 441;
    /// <summary>Mel bands (mel input).</summary>
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
    /// <summary>Zerons input: the front end's weights are not trained.</summary>
    public bool FreezeFrontEnd { get; init; }

    /// <summary>Feature frames per second.</summary>
    public double FramesPerSecond => Input == ZeroNsInput ? ZeroNsFrontEnd.FrameRate : (double)SampleRates.Analysis / Hop;

    /// <summary>Features per frame the network reads.</summary>
    public int FeatureWidth => Input == ZeroNsInput ? 2 * ZeroNsFrontEnd.Bins : Bands;

    /// <summary>The feature extractor of this input.</summary>
    public IBeatFeatureExtractor CreateFeatures() =>
        Input == ZeroNsInput ? new ZeroNsBeatFeatures() : BeatFeatures.WithHop(Hop, Bands);

    /// <summary>The config as safetensors metadata.</summary>
    public Dictionary<string, string> ToMetadata() => new()
    {
        ["kind"] = Kind, ["input"] = Input, ["hop"] = I(Hop), ["bands"] = I(Bands), ["width"] = I(Width), ["layers"] = I(Layers),
        ["kernel"] = I(KernelSize), ["dropout"] = Dropout.ToString("R", CultureInfo.InvariantCulture), ["tempo_classes"] = I(TempoClasses),
        ["freeze_front_end"] = FreezeFrontEnd ? "true" : "false",
    };

    /// <summary>Reads <see cref="ToMetadata"/> (and files of the first version, which stored "fps" instead of "hop").</summary>
    /// <exception cref="GrooveException">A key is missing or invalid.</exception>
    public static BeatNetConfig FromMetadata(IReadOnlyDictionary<string, string> m, string what)
    {
        var input = m.TryGetValue("input", out var s) ? s : MelInput;
        if (input is not (MelInput or ZeroNsInput)) throw new GrooveException($"{what}: metadata 'input' invalid ('{input}')");
        int hop = m.ContainsKey("hop") ? Int(m, "hop", what) : SampleRates.Analysis / Int(m, "fps", what);
        return new BeatNetConfig
        {
            Kind = m.TryGetValue("kind", out var k) && k is "tcn" or "gru" ? k : throw new GrooveException($"{what}: metadata 'kind' missing or invalid"),
            Input = input, Hop = hop, Bands = Int(m, "bands", what), Width = Int(m, "width", what), Layers = Int(m, "layers", what),
            KernelSize = Int(m, "kernel", what), TempoClasses = Int(m, "tempo_classes", what),
            Dropout = m.TryGetValue("dropout", out var d) && float.TryParse(d, NumberStyles.Float, CultureInfo.InvariantCulture, out var dv) ? dv : 0.1f,
            FreezeFrontEnd = m.TryGetValue("freeze_front_end", out var f) && f == "true",
        };
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static int Int(IReadOnlyDictionary<string, string> m, string key, string what) =>
        m.TryGetValue(key, out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v : throw new GrooveException($"{what}: metadata '{key}' missing or invalid");
}
