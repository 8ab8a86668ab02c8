using System.Globalization;

namespace Groove.Embeddings;

/// <summary>
/// Shape of a <see cref="Tile2VecNet"/>: ResNet-18 (He et al. 2016: a stem, four stages of two basic blocks with
/// 64, 128, 256, 512 channels) scaled by a width multiplier (channels × <see cref="Width"/>) and a depth multiplier
/// (blocks per stage = max(1, round(2 × <see cref="Depth"/>))), then a linear projection to
/// <see cref="Dimension"/>. Stored in the weights' metadata so that a model file describes itself.
/// </summary>
public sealed record Tile2VecConfig
{
    /// <summary>Channel multiplier of ResNet-18's 64/128/256/512.</summary>
    public double Width { get; init; } = 0.125;
    /// <summary>Multiplier of ResNet-18's two blocks per stage.</summary>
    public double Depth { get; init; } = 0.5;
    /// <summary>Embedding length.</summary>
    public int Dimension { get; init; } = 128;

    /// <summary>
    /// The shipped size: width 1/8 (8, 16, 32, 64 channels), one block per stage, 128-d output — about 0.1 M
    /// parameters and 20 M multiply-adds per 5 s tile, so that a 48-tile triplet batch (forward and backward)
    /// takes about a second on two shared CPU cores and an hour of training sees a few thousand steps.
    /// </summary>
    public static Tile2VecConfig Small { get; } = new();

    /// <summary>Channels of stage <paramref name="stage"/> (0–3).</summary>
    public int Channels(int stage) => Math.Max(4, (int)Math.Round(64 * Width * (1 << stage)));
    /// <summary>Basic blocks per stage.</summary>
    public int BlocksPerStage => Math.Max(1, (int)Math.Round(2 * Depth));

    /// <summary>Name of this shape, e.g. "w0.125-d0.5-128".</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"w{Width}-d{Depth}-{Dimension}");

    /// <summary>Metadata entries describing the shape.</summary>
    public Dictionary<string, string> ToMetadata() => new()
    {
        ["tile2vec.width"] = Width.ToString("R", CultureInfo.InvariantCulture),
        ["tile2vec.depth"] = Depth.ToString("R", CultureInfo.InvariantCulture),
        ["tile2vec.dim"] = Dimension.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The shape stored in <paramref name="metadata"/> (throws a <see cref="GrooveException"/> naming <paramref name="source"/> when absent).</summary>
    public static Tile2VecConfig FromMetadata(IReadOnlyDictionary<string, string> metadata, string source)
    {
        string Get(string k) => metadata.TryGetValue(k, out var v) || metadata.TryGetValue("user." + k, out v) ? v
            : throw new GrooveException($"{source}: not a Tile2Vec model (no '{k}' in its metadata)");
        return new Tile2VecConfig
        {
            Width = double.Parse(Get("tile2vec.width"), CultureInfo.InvariantCulture),
            Depth = double.Parse(Get("tile2vec.depth"), CultureInfo.InvariantCulture),
            Dimension = int.Parse(Get("tile2vec.dim"), CultureInfo.InvariantCulture),
        };
    }
}
