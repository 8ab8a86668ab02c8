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

    /// <summary>Wraps <paramref name="network"/>.</summary>
    public BeatNetModel(BeatNetwork network)
    {
        Network = network;
        Features = new BeatFeatures(network.Config.FramesPerSecond, network.Config.Bands);
    }

    /// <summary>The network.</summary>
    public BeatNetwork Network { get; }
    /// <summary>Its input features.</summary>
    public BeatFeatures Features { get; }

    /// <summary>Beat and downbeat probabilities per frame and, with a tempo head, the tempo distribution (null otherwise).</summary>
    public (float[] Beat, float[] Downbeat, float[]? Tempo) Predict(float[] features)
    {
        int bands = Network.Config.Bands, frames = features.Length / bands;
        Network.Eval();
        using var _ = GradMode.Inference();
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
        var net = BeatNetwork.Create(BeatNetConfig.FromMetadata(meta, path), new Rng(0), new Rng(0));
        net.LoadStateDict(tensors);
        return new BeatNetModel(net);
    }
}
