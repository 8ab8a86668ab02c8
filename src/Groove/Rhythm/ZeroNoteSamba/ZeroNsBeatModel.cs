using Groove.Nn;
using Groove.Rhythm.Learned;

namespace Groove.Rhythm.ZeroNoteSamba;

/// <summary>Fine-tuning settings of <see cref="ZeroNsBeatModel"/>.</summary>
public sealed record ZeroNsFineTuneOptions
{
    /// <summary>Adam learning rate.</summary>
    public float LearningRate { get; init; } = 1e-3f;
    /// <summary>Train only the two 1×1 output convolutions (the rest stays as pretrained).</summary>
    public bool HeadsOnly { get; init; }
    /// <summary>Global gradient-norm clip.</summary>
    public float GradientClip { get; init; } = 1f;
}

/// <summary>
/// <see cref="IBeatActivationModel"/> "zerons": a <see cref="SyncPredNet"/> (pretrained by the Zero-Note Samba pretext
/// task, or freshly initialised for comparison) fine-tuned as in the paper's downstream experiments: the element-wise
/// maximum of the two branches' sigmoid outputs is trained with binary cross-entropy against widened beat targets
/// (<see cref="BeatTargets"/>: 1 at the beat frame, 0.5 beside it), the whole network or only the output heads.
/// </summary>
public sealed class ZeroNsBeatModel : IBeatActivationModel
{
    private readonly ZeroNsModel _model;
    private readonly Adam _optimizer;
    private readonly List<Tensor> _trainable;
    private readonly ZeroNsFineTuneOptions _options;
    private readonly ZeroNsBeatFeatures _features = new();

    /// <summary>Wraps <paramref name="net"/> for fine-tuning; <paramref name="metadata"/> is kept with saved weights.</summary>
    public ZeroNsBeatModel(SyncPredNet net, ZeroNsFineTuneOptions? options = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        _options = options ?? new ZeroNsFineTuneOptions();
        _model = new ZeroNsModel(net, metadata);
        var trainable = _options.HeadsOnly
            ? net.Percussive.Head.NamedParameters("percussive.head.").Concat(net.NonPercussive.Head.NamedParameters("nonpercussive.head.")).ToList()
            : net.NamedParameters().ToList();
        if (_options.HeadsOnly)
        {
            // Frozen weights get no gradients at all (cheaper backward, nothing accumulates).
            var heads = trainable.Select(t => t.Tensor).ToHashSet();
            foreach (var t in net.Parameters()) if (!heads.Contains(t)) t.RequiresGrad = false;
        }
        _trainable = trainable.Select(t => t.Tensor).ToList();
        _optimizer = new Adam([new ParamGroup(trainable, _options.LearningRate)]);
    }

    /// <summary>A randomly initialised network of <paramref name="config"/> (the baseline of the comparison).</summary>
    public static ZeroNsBeatModel Random(SyncPredNetConfig config, ulong seed, ZeroNsFineTuneOptions? options = null) =>
        new(new SyncPredNet(config, new Rng(seed)), options);

    /// <summary>Weights saved by <see cref="ZeroNsModel.SaveNet"/>; <paramref name="seed"/> drives dropout.</summary>
    public static ZeroNsBeatModel Load(string path, ulong seed, ZeroNsFineTuneOptions? options = null)
    {
        var m = ZeroNsModel.Load(path, seed);
        return new ZeroNsBeatModel(m.Net, options, m.Metadata);
    }

    /// <summary>The network.</summary>
    public SyncPredNet Net => _model.Net;

    /// <inheritdoc/>
    public string Kind => ZeroNsModel.KindName;

    /// <inheritdoc/>
    public IBeatFeatureExtractor Features => _features;

    /// <inheritdoc/>
    public float TrainStep(float[] features, float[] targets, int batch, int frames)
    {
        int bins = ZeroNsFrontEnd.Bins;
        if (features.Length != (long)batch * frames * 2 * bins || targets.Length != (long)batch * frames)
            throw new ArgumentException("features/targets do not match batch × frames");
        var net = _model.Net;
        net.Train();
        _optimizer.ZeroGrad();
        // [B, frames, 2, 96] → [B, 2, 96, frames]; channel 0 is the percussive part.
        var x = Tensor.From(features, batch, frames, 2, bins).Permute(0, 2, 3, 1);
        var p = x.Narrow(1, 0, 1).Contiguous();
        var n = x.Narrow(1, 1, 1).Contiguous();
        var y = net.Combined(p, n).Clamp(1e-6f, 1f - 1e-6f);
        var loss = Functional.BinaryCrossEntropy(y, Tensor.From(targets, batch, frames));
        loss.Backward();
        GradClip.ClipGlobalNorm(_trainable, _options.GradientClip);
        _optimizer.Step();
        return loss.Item();
    }

    /// <inheritdoc/>
    public float[] Predict(float[] features, int frames)
    {
        if (features.Length != (long)frames * 2 * ZeroNsFrontEnd.Bins) throw new ArgumentException("features do not match frames × 192");
        var (p, n) = ZeroNsBeatFeatures.Split(features, frames);
        var a = _model.Activation(p, n, frames);
        for (int i = 0; i < a.Length; i++) a[i] = Math.Clamp(a[i], 0f, 1f - 1e-6f); // keeps the DBN's log(1 − p) finite
        return a;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, float[]> Snapshot() =>
        _model.Net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());

    /// <inheritdoc/>
    public void Restore(IReadOnlyDictionary<string, float[]> snapshot)
    {
        using var _ = GradMode.NoGrad();
        foreach (var (name, t) in _model.Net.StateDict())
        {
            if (!snapshot.TryGetValue(name, out var v) || v.Length != t.Size) throw new ArgumentException($"snapshot lacks {name}");
            t.CopyFrom(Tensor.From(v, t.ShapeArray));
        }
    }

    /// <inheritdoc/>
    public void Save(string path) => _model.Save(path);
}
