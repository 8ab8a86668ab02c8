using Groove.Audio;
using Groove.Nn;

namespace Groove.Rhythm.ZeroNoteSamba;

/// <summary>
/// A trained (or freshly initialised) <see cref="SyncPredNet"/> with its front end: audio → percussive and
/// non-percussive parts (HPSS, or given stems) → log-VQTs → both branches → element-wise maximum, a beat activation at
/// 62.5 frames per second. Long recordings are processed in overlapping chunks so memory stays bounded. Weights are
/// safetensors with metadata <c>groove.model = zerons</c> and the network shape. Not thread-safe.
/// </summary>
public sealed class ZeroNsModel
{
    /// <summary>Metadata value of <c>groove.model</c>.</summary>
    public const string KindName = "zerons";
    private const int ChunkFrames = 2048;

    private readonly ZeroNsFrontEnd _frontEnd = new();

    /// <summary>The network.</summary>
    public SyncPredNet Net { get; }
    /// <summary>Metadata the weights were saved with.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Recycled activation buffers for <see cref="Activation(float[], float[], int, ActivationSource, CancellationToken)"/>.</summary>
    private readonly InferenceArenas _arenas = new();

    public ZeroNsModel(SyncPredNet net, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Net = net;
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    /// <summary>Saves a network's weights (with its shape and <paramref name="metadata"/>), atomically.</summary>
    public static void SaveNet(string path, SyncPredNet net, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var meta = new Dictionary<string, string>(net.Config.ToMetadata()) { ["groove.model"] = KindName };
        if (metadata != null) foreach (var (k, v) in metadata) meta.TryAdd(k, v);
        SafeTensors.Save(path, net.StateDict(), meta);
    }

    /// <summary>Saves the weights.</summary>
    public void Save(string path) => SaveNet(path, Net, Metadata);

    /// <summary>Loads weights saved by <see cref="SaveNet"/>.</summary>
    /// <exception cref="GrooveException">Missing file or not a zerons model.</exception>
    public static ZeroNsModel Load(string path, ulong seed = 0)
    {
        if (!File.Exists(path)) throw new GrooveException($"{path}: no such model file");
        var (tensors, meta) = SafeTensors.Load(path);
        if (!meta.TryGetValue("groove.model", out var kind) || kind != KindName)
            throw new GrooveException($"{path}: not a '{KindName}' model (metadata groove.model is '{kind ?? "missing"}')");
        var net = new SyncPredNet(SyncPredNetConfig.FromMetadata(meta, path), new Rng(seed));
        net.LoadStateDict(tensors);
        return new ZeroNsModel(net, meta);
    }

    /// <summary>The parts of <paramref name="audio"/> by HPSS.</summary>
    public static ZeroNsParts Parts(AudioBuffer audio, CancellationToken cancellationToken = default) =>
        ZeroNsParts.FromHpss(ZeroNsFrontEnd.Mono16k(audio), cancellationToken);

    /// <summary>Both parts' log-VQTs, bin-major [96, frames] each.</summary>
    public (float[] Percussive, float[] NonPercussive, int Frames) Features(ZeroNsParts parts, CancellationToken cancellationToken = default)
    {
        var (p, n) = _frontEnd.Features(parts, out int frames, cancellationToken);
        return (p, n, frames);
    }

    /// <summary>Beat activation (HPSS parts) of <paramref name="audio"/>.</summary>
    public float[] Activation(AudioBuffer audio, CancellationToken cancellationToken = default) =>
        Activation(Parts(audio, cancellationToken), cancellationToken);

    /// <summary>Beat activation of given parts.</summary>
    public float[] Activation(ZeroNsParts parts, CancellationToken cancellationToken = default)
    {
        var (p, n, frames) = Features(parts, cancellationToken);
        return Activation(p, n, frames, ActivationSource.Combined, cancellationToken);
    }

    /// <summary>Which output an activation is read from.</summary>
    public enum ActivationSource
    {
        /// <summary>Element-wise maximum of both branches (the paper's downstream activation).</summary>
        Combined,
        /// <summary>The percussive branch alone.</summary>
        Percussive,
        /// <summary>The non-percussive branch alone.</summary>
        NonPercussive,
    }

    /// <summary>
    /// Activation [frames] of bin-major features, computed chunk by chunk (chunks overlap by the receptive field, so
    /// the result equals whole-track inference except within a receptive field of the ends).
    /// </summary>
    public float[] Activation(float[] percussive, float[] nonPercussive, int frames, ActivationSource source = ActivationSource.Combined,
        CancellationToken cancellationToken = default)
    {
        int bins = ZeroNsFrontEnd.Bins;
        if (percussive.Length != bins * frames || nonPercussive.Length != bins * frames) throw new ArgumentException("features do not match 96 × frames");
        var result = new float[frames];
        if (frames == 0) return result;
        int context = Net.Config.ReceptiveField / 2 + 1;
        bool training = Net.Training;
        Net.Eval();
        try
        {
            using var _ = GradMode.Inference();
            for (int start = 0; start < frames; start += ChunkFrames)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int len = Math.Min(ChunkFrames, frames - start);
                int a = Math.Max(0, start - context), b = Math.Min(frames, start + len + context);
                using var step = _arenas.Step();
                Tensor? yp = null, yn = null;
                if (source != ActivationSource.NonPercussive) yp = Net.Percussive.Forward(Slice(percussive, frames, a, b - a));
                if (source != ActivationSource.Percussive) yn = Net.NonPercussive.Forward(Slice(nonPercussive, frames, a, b - a));
                var y = (yp, yn) switch
                {
                    ({ } x, { } z) => Tensor.Maximum(x, z),
                    ({ } x, null) => x,
                    (null, { } z) => z,
                    _ => throw new InvalidOperationException(),
                };
                y.ToArray().AsSpan(start - a, len).CopyTo(result.AsSpan(start));
            }
        }
        finally { Net.Train(training); }
        return result;
    }

    private static Tensor Slice(float[] x, int frames, int start, int length)
    {
        int bins = ZeroNsFrontEnd.Bins;
        var d = new float[bins * length];
        for (int b = 0; b < bins; b++) x.AsSpan(b * frames + start, length).CopyTo(d.AsSpan(b * length));
        return Tensor.Wrap(d, 1, 1, bins, length);
    }
}
