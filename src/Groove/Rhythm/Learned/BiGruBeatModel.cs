using System.Globalization;
using Groove.IO;
using Groove.Nn;

namespace Groove.Rhythm.Learned;

/// <summary>Hyper-parameters of <see cref="BiGruBeatModel"/>.</summary>
public sealed record BiGruBeatOptions
{
    /// <summary>Feature frame rate.</summary>
    public int FramesPerSecond { get; init; } = 50;
    /// <summary>Mel bands.</summary>
    public int Bands { get; init; } = 81;
    /// <summary>Channels of the two convolutions.</summary>
    public int Channels { get; init; } = 16;
    /// <summary>GRU units per direction.</summary>
    public int Hidden { get; init; } = 16;
    /// <summary>GRU layers.</summary>
    public int Layers { get; init; } = 2;
    /// <summary>Adam learning rate.</summary>
    public float LearningRate { get; init; } = 3e-3f;
    /// <summary>Weight of positive (beat) frames in the binary cross-entropy, against the ~1:20 class imbalance.</summary>
    public float PositiveWeight { get; init; } = 4f;
    /// <summary>Global gradient-norm clip.</summary>
    public float GradientClip { get; init; } = 1f;
}

/// <summary>
/// <see cref="IBeatActivationModel"/> "bigru": <see cref="BiGruBeatNetwork"/> trained with Adam on positive-weighted
/// binary cross-entropy against widened beat targets (<see cref="BeatTargets"/>).
/// </summary>
public sealed class BiGruBeatModel : IBeatActivationModel
{
    /// <summary>The kind name.</summary>
    public const string KindName = "bigru";

    private readonly BiGruBeatNetwork _net;
    /// <summary>Recycled activation buffers for <see cref="Predict"/>.</summary>
    private readonly InferenceArenas _arenas = new();
    private readonly Adam _optimizer;

    /// <summary>A freshly initialised model; the same seed gives the same weights.</summary>
    public BiGruBeatModel(ulong seed, BiGruBeatOptions? options = null)
    {
        Options = options ?? new BiGruBeatOptions();
        Features = new BeatFeatures(Options.FramesPerSecond, Options.Bands);
        _net = new BiGruBeatNetwork(Options.Bands, Options.Channels, Options.Hidden, Options.Layers, new Rng(seed));
        _optimizer = new Adam(_net, Options.LearningRate);
    }

    /// <summary>Hyper-parameters.</summary>
    public BiGruBeatOptions Options { get; }

    /// <inheritdoc/>
    public string Kind => KindName;

    /// <summary>The mel features the model reads.</summary>
    public BeatFeatures Features { get; }

    IBeatFeatureExtractor IBeatActivationModel.Features => Features;

    /// <summary>Number of trainable weights.</summary>
    public long ParameterCount => _net.ParameterCount();

    /// <inheritdoc/>
    public float TrainStep(float[] features, float[] targets, int batch, int frames)
    {
        if (features.Length != (long)batch * frames * Options.Bands || targets.Length != (long)batch * frames)
            throw new ArgumentException("features/targets do not match batch × frames");
        _net.Train();
        _optimizer.ZeroGrad();
        var logits = _net.Forward(Tensor.From(features, batch, frames, Options.Bands));
        var loss = Functional.BinaryCrossEntropyWithLogits(logits, Tensor.From(targets, batch, frames),
            posWeight: Tensor.Scalar(Options.PositiveWeight));
        loss.Backward();
        GradClip.ClipGlobalNorm(_net.Parameters(), Options.GradientClip);
        _optimizer.Step();
        return loss.Item();
    }

    /// <inheritdoc/>
    public float[] Predict(float[] features, int frames)
    {
        if (features.Length != (long)frames * Options.Bands) throw new ArgumentException("features do not match frames × bands");
        _net.Eval();
        using var _ = GradMode.Inference();
        using var step = _arenas.Step();
        var p = _net.Forward(Tensor.From(features, 1, frames, Options.Bands)).Sigmoid().ToArray();
        // Keep the DBN's log(1 − p) finite.
        for (int i = 0; i < p.Length; i++) p[i] = Math.Clamp(p[i], 0f, 1f - 1e-6f);
        return p;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, float[]> Snapshot() =>
        _net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());

    /// <inheritdoc/>
    public void Restore(IReadOnlyDictionary<string, float[]> snapshot)
    {
        using var _ = GradMode.NoGrad();
        foreach (var (name, t) in _net.StateDict())
        {
            if (!snapshot.TryGetValue(name, out var v) || v.Length != t.Size) throw new ArgumentException($"snapshot lacks {name}");
            t.CopyFrom(Tensor.From(v, t.ShapeArray));
        }
    }

    /// <inheritdoc/>
    public void Save(string path) => SafeTensors.Save(path, _net.StateDict(), new Dictionary<string, string>
    {
        ["groove.model"] = KindName,
        ["fps"] = Options.FramesPerSecond.ToString(CultureInfo.InvariantCulture),
        ["bands"] = Options.Bands.ToString(CultureInfo.InvariantCulture),
        ["channels"] = Options.Channels.ToString(CultureInfo.InvariantCulture),
        ["hidden"] = Options.Hidden.ToString(CultureInfo.InvariantCulture),
        ["layers"] = Options.Layers.ToString(CultureInfo.InvariantCulture),
    });

    /// <summary>Loads weights saved by <see cref="Save"/>; training continues from them (fine-tuning).</summary>
    /// <exception cref="GrooveException">Not a bigru safetensors file.</exception>
    public static BiGruBeatModel Load(string path, ulong seed, BiGruBeatOptions? training = null)
    {
        var (tensors, meta) = SafeTensors.Load(path);
        if (!meta.TryGetValue("groove.model", out var kind) || kind != KindName)
            throw new GrooveException($"{path}: not a '{KindName}' beat model (metadata groove.model is '{kind ?? "missing"}')");
        var options = (training ?? new BiGruBeatOptions()) with
        {
            FramesPerSecond = Int(meta, "fps", path), Bands = Int(meta, "bands", path), Channels = Int(meta, "channels", path),
            Hidden = Int(meta, "hidden", path), Layers = Int(meta, "layers", path),
        };
        var model = new BiGruBeatModel(seed, options);
        model._net.LoadStateDict(tensors);
        return model;
    }

    private static int Int(IReadOnlyDictionary<string, string> meta, string key, string path) =>
        meta.TryGetValue(key, out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v : throw new GrooveException($"{path}: metadata '{key}' missing or invalid");
}
