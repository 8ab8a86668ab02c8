using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Security.Cryptography;
using Groove.Models;
using Groove.Nn;

namespace Groove.Embeddings;

/// <summary>
/// Turns audio into <see cref="TrackEmbedding"/>s with one of three models chosen by name (<see cref="Create"/>):
/// <c>mfcc</c> (MFCC statistics per tile, the classic baseline), <c>random</c> (a randomly initialised
/// <see cref="Tile2VecNet"/> of the shipped shape, the architecture-only baseline) and <c>tile2vec</c> (the trained
/// network, or any Tile2Vec weights file). The <see cref="ModelName"/> identifies the vectors an index holds, so
/// vectors of different models are never compared.
/// </summary>
public abstract class TrackEmbedder
{
    /// <summary>Identifies the vectors (model kind, shape and, for trained weights, a hash of the file).</summary>
    public abstract string ModelName { get; }
    /// <summary>Vector length.</summary>
    public abstract int Dimension { get; }

    private readonly LogMelTiles _features = new();

    /// <summary>Vectors of the tiles of a log-mel array, one per <see cref="LogMelTiles.TileStarts"/> entry.</summary>
    protected abstract float[][] EmbedTiles(float[] logMel, int[] starts);

    /// <summary>Embeds a 16 kHz mono signal.</summary>
    public TrackEmbedding Embed(ReadOnlySpan<float> signal16k)
    {
        var logMel = _features.Compute(signal16k);
        var tiles = EmbedTiles(logMel, LogMelTiles.TileStarts(LogMelTiles.FrameCount(logMel)));
        return new TrackEmbedding(Pool(tiles, Dimension), tiles, signal16k.Length / (double)LogMelTiles.SampleRate);
    }

    /// <summary>Loads and embeds an audio file.</summary>
    public TrackEmbedding EmbedFile(string path, Action<string>? onWarning = null) => Embed(LogMelTiles.LoadAudio(path, null, onWarning));

    /// <summary>The track vector: mean of the L2-normalised tile vectors, normalised again.</summary>
    public static float[] Pool(IReadOnlyList<float[]> tiles, int dim)
    {
        var v = new float[dim];
        var tmp = new float[dim];
        foreach (var t in tiles)
        {
            float n = TensorPrimitives.Norm(t);
            if (n > 0) { TensorPrimitives.Divide(t, n, tmp); TensorPrimitives.Add(v, tmp, v); }
        }
        float norm = TensorPrimitives.Norm(v);
        if (norm > 0) TensorPrimitives.Divide(v, norm, v);
        return v;
    }

    /// <summary>Model names accepted by <see cref="Create"/> besides a weights file path.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mfcc", "random", "tile2vec"];

    /// <summary>Name of the shipped Tile2Vec weights (<c>models/tile2vec-group.safetensors</c>: <c>tile2vec-small</c>
    /// trained on with album-level positives, chosen by <c>bench/embeddings/tile2vec-candidates-s8.md</c>).</summary>
    public const string ShippedModel = "tile2vec-group";

    /// <summary>
    /// The embedder named <paramref name="name"/>: <c>mfcc</c>, <c>random</c>, <c>tile2vec</c> (the shipped model) or
    /// a Tile2Vec model name/path (found by <see cref="ModelRegistry"/>).
    /// </summary>
    public static TrackEmbedder Create(string name) => name switch
    {
        "mfcc" => new MfccEmbedder(),
        "random" => NetworkEmbedder.Random(Tile2VecConfig.Small, 0),
        "tile2vec" => NetworkEmbedder.Load(ModelRegistry.Resolve(ShippedModel)),
        _ => NetworkEmbedder.Load(ModelRegistry.Resolve(name)),
    };

    /// <summary>
    /// The kind of embedder (<see cref="Names"/>) whose vectors an index of <paramref name="indexModel"/> holds:
    /// mfcc, random, or tile2vec (also for an empty index, null).
    /// </summary>
    public static string KindOf(string? indexModel) => indexModel switch
    {
        null => "tile2vec",
        var m when m.StartsWith("mfcc", StringComparison.Ordinal) => "mfcc",
        var m when m.StartsWith("random", StringComparison.Ordinal) => "random",
        _ => "tile2vec",
    };
}

/// <summary>MFCC statistics (<see cref="MfccStatistics"/>) of each tile; the track vector pools the tiles' unit vectors.</summary>
public sealed class MfccEmbedder : TrackEmbedder
{
    /// <inheritdoc/>
    public override string ModelName => "mfcc-stats20";
    /// <inheritdoc/>
    public override int Dimension => MfccStatistics.Dimension;

    /// <inheritdoc/>
    protected override float[][] EmbedTiles(float[] logMel, int[] starts) =>
        starts.Select(s => MfccStatistics.Compute(logMel, s, LogMelTiles.TileFrames)).ToArray();
}

/// <summary>A <see cref="Tile2VecNet"/> in evaluation mode; tiles go through it in batches of 16.</summary>
public sealed class NetworkEmbedder : TrackEmbedder
{
    private readonly Tile2VecNet _net;
    private readonly string _name;
    /// <summary>Recycled activation buffers for <see cref="EmbedTiles"/>.</summary>
    private readonly InferenceArenas _arenas = new();

    private NetworkEmbedder(Tile2VecNet net, string name) { _net = net; _net.Eval(); _name = name; }

    /// <inheritdoc/>
    public override string ModelName => _name;
    /// <inheritdoc/>
    public override int Dimension => _net.Config.Dimension;

    /// <summary>A randomly initialised network (the untrained baseline); same seed, same weights.</summary>
    public static NetworkEmbedder Random(Tile2VecConfig config, ulong seed) => new(new Tile2VecNet(config, new Rng(seed)), $"random-{config.Name}-seed{seed}");

    /// <summary>Trained weights from a safetensors file written by the Tile2Vec trainer.</summary>
    public static NetworkEmbedder Load(string path)
    {
        Dictionary<string, Tensor> tensors; Dictionary<string, string> meta;
        try { (tensors, meta) = SafeTensors.Load(path); }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or ArgumentException) { throw new GrooveException($"{path}: cannot read model ({e.Message})"); }
        var config = Tile2VecConfig.FromMetadata(meta, path);
        var net = new Tile2VecNet(config, new Rng(0));
        net.LoadStateDict(tensors);
        var hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))[..12].ToLowerInvariant();
        return new NetworkEmbedder(net, $"tile2vec-{config.Name}-{hash}");
    }

    /// <summary>Wraps a network being trained (its current weights; evaluation mode is set while embedding).</summary>
    public static NetworkEmbedder Wrap(Tile2VecNet net, string name) => new(net, name);

    /// <inheritdoc/>
    protected override float[][] EmbedTiles(float[] logMel, int[] starts)
    {
        const int batch = 16;
        int size = LogMelTiles.Mels * LogMelTiles.TileFrames, dim = Dimension;
        var result = new float[starts.Length][];
        bool wasTraining = _net.Training;
        _net.Eval();
        try
        {
            using var _ = GradMode.Inference();
            for (int b0 = 0; b0 < starts.Length; b0 += batch)
            {
                int n = Math.Min(batch, starts.Length - b0);
                var data = new float[n * size];
                for (int i = 0; i < n; i++) LogMelTiles.CopyTile(logMel, starts[b0 + i], data.AsSpan(i * size, size));
                using var step = _arenas.Step();
                var y = _net.Embed(Tensor.From(data, n, 1, LogMelTiles.Mels, LogMelTiles.TileFrames)).ToArray();
                for (int i = 0; i < n; i++) result[b0 + i] = y.AsSpan(i * dim, dim).ToArray();
            }
        }
        finally { _net.Train(wasTraining); }
        return result;
    }
}
