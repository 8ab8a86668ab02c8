using Groove.Audio;
using Groove.Nn;

namespace Groove.Rhythm.Learned;

/// <summary>
/// A trained <see cref="BeatNetwork"/> with its features: activations of a recording, saved and loaded as safetensors
/// (metadata <c>groove.model = beat-net</c> and the <see cref="BeatNetConfig"/>). Not thread-safe.
/// </summary>
public sealed class BeatNetModel
{
    /// <summary>The metadata kind.</summary>
    public const string KindName = "beat-net";

    /// <summary>Metadata key of the bar lengths the downbeat decoder tries (comma-separated beats per bar).</summary>
    public const string BarLengthsKey = "decode.beats_per_bar";

    /// <summary>Wraps <paramref name="network"/>; <paramref name="barLengths"/> are the bar lengths (beats per bar) its
    /// activations are decoded with (default madmom's 3 and 4).</summary>
    public BeatNetModel(BeatNetwork network, IReadOnlyList<int>? barLengths = null)
    {
        Network = network;
        BarLengths = barLengths ?? [3, 4];
        if (BarLengths.Count == 0 || BarLengths.Any(b => b is < 1 or > 16)) throw new GrooveException("bar lengths must be 1 to 16 beats");
        Features = network.Config.CreateFeatures();
    }

    /// <summary>The network.</summary>
    public BeatNetwork Network { get; }

    /// <summary>Recycled activation buffers for <see cref="Predict(float[])"/>.</summary>
    private readonly InferenceArenas _arenas = new();
    /// <summary>Bar lengths (beats per bar) the downbeat decoder tries; saved with the weights.</summary>
    public IReadOnlyList<int> BarLengths { get; }

    /// <summary>Its input features.</summary>
    public IBeatFeatureExtractor Features { get; }

    /// <summary>Beat and downbeat probabilities per frame and, with a tempo head, the tempo distribution (null otherwise).</summary>
    public (float[] Beat, float[] Downbeat, float[]? Tempo) Predict(float[] features)
    {
        int bands = Network.Config.FeatureWidth, frames = features.Length / bands;
        Network.Eval();
        using var _ = GradMode.Inference();
        using var step = _arenas.Step();
        var (logits, tempo) = Network.Run(Tensor.From(features, 1, frames, bands));
        var p = logits.Sigmoid().ToArray();
        var beat = new float[frames];
        var down = new float[frames];
        for (int t = 0; t < frames; t++) { beat[t] = p[2 * t]; down[t] = p[2 * t + 1]; }
        return (beat, down, tempo is null ? null : Functional.Softmax(tempo, 1).ToArray());
    }

    /// <summary>Activations of a recording.</summary>
    public (float[] Beat, float[] Downbeat, float[]? Tempo) Predict(AudioBuffer audio) => Predict(Features.Compute(audio));

    /// <summary>Saves the weights and the config, atomically.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? extra = null)
    {
        var meta = Network.Config.ToMetadata();
        meta["groove.model"] = KindName;
        meta[BarLengthsKey] = string.Join(",", BarLengths);
        if (extra != null) foreach (var (k, v) in extra) meta[k] = v;
        SafeTensors.Save(path, Network.StateDict(), meta);
    }

    /// <summary>True when <paramref name="metadata"/> is a <see cref="Save"/>d model's.</summary>
    public static bool Is(IReadOnlyDictionary<string, string> metadata) => metadata.TryGetValue("groove.model", out var k) && k == KindName;

    /// <summary>Loads a model saved by <see cref="Save"/>.</summary>
    /// <exception cref="GrooveException">Missing, or not a beat-net file.</exception>
    public static BeatNetModel Load(string path)
    {
        if (!File.Exists(path)) throw new GrooveException($"{path}: no such model file");
        var (tensors, meta) = SafeTensors.Load(path);
        if (!Is(meta)) throw new GrooveException($"{path}: not a '{KindName}' model");
        var config = BeatNetConfig.FromMetadata(meta, path);
        var net = BeatNetwork.Create(config, new Rng(0), new Rng(0));
        net.LoadStateDict(tensors);
        return new BeatNetModel(net, meta.TryGetValue(BarLengthsKey, out var bars) ? ParseBarLengths(bars, path) : null);
    }

    /// <summary>"2,3,4" → [2, 3, 4].</summary>
    /// <exception cref="GrooveException">Not a list of whole numbers.</exception>
    public static int[] ParseBarLengths(string text, string what)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var bars = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out bars[i]))
                throw new GrooveException($"{what}: bar lengths '{text}' are not whole numbers");
        return bars;
    }
}
