using Groove.Nn;

namespace Groove.Embeddings;

/// <summary>One triplet: (file, start frame) of the anchor, its neighbour (same file, nearby) and a distant tile (another file).</summary>
public readonly record struct TileTriplet(int AnchorFile, int AnchorStart, int NeighbourStart, int DistantFile, int DistantStart);

/// <summary>
/// Log-mel excerpts of many recordings held in memory (float16, at most <see cref="MaxFrames"/> frames from the
/// middle of each), and the temporal-proximity triplets of Jansen et al. 2018 drawn from them: the anchor is a
/// random 5 s tile, the neighbour a tile of the same recording starting within ±<see cref="NeighbourFrames"/>
/// frames of it, the distant tile a random tile of another recording — the audio counterpart of Tile2Vec's
/// spatial neighbourhoods (Jean et al. 2018).
/// </summary>
public sealed class TripletSampler
{
    private readonly List<(string Name, Half[] LogMel)> _files = new();

    /// <summary>Frames kept per recording (default 6000 = 60 s).</summary>
    public int MaxFrames { get; }
    /// <summary>Largest offset between anchor and neighbour starts (default 1000 frames = 10 s).</summary>
    public int NeighbourFrames { get; }

    public TripletSampler(int maxFrames = 6000, int neighbourFrames = 1000)
    {
        if (maxFrames < LogMelTiles.TileFrames) throw new ArgumentOutOfRangeException(nameof(maxFrames));
        (MaxFrames, NeighbourFrames) = (maxFrames, Math.Max(1, neighbourFrames));
    }

    /// <summary>Recordings held.</summary>
    public int Count => _files.Count;
    /// <summary>Total frames held.</summary>
    public long Frames => _files.Sum(f => (long)f.LogMel.Length / LogMelTiles.Mels);

    /// <summary>Adds a recording's log-mel (frame-major); keeps its middle <see cref="MaxFrames"/> frames. Returns false when it is shorter than one tile.</summary>
    public bool Add(string name, ReadOnlySpan<float> logMel)
    {
        int frames = logMel.Length / LogMelTiles.Mels;
        if (frames < LogMelTiles.TileFrames) return false;
        int keep = Math.Min(frames, MaxFrames), start = (frames - keep) / 2;
        var h = new Half[keep * LogMelTiles.Mels];
        var src = logMel.Slice(start * LogMelTiles.Mels, h.Length);
        for (int i = 0; i < h.Length; i++) h[i] = (Half)src[i];
        _files.Add((name, h));
        return true;
    }

    private int FramesOf(int file) => _files[file].LogMel.Length / LogMelTiles.Mels;

    /// <summary>Draws one triplet (needs at least two recordings).</summary>
    public TileTriplet Sample(Rng rng)
    {
        if (_files.Count < 2) throw new GrooveException("triplets need at least two recordings");
        int a = rng.NextInt(_files.Count);
        int fa = FramesOf(a) - LogMelTiles.TileFrames;
        int sa = rng.NextInt(fa + 1);
        int lo = Math.Max(0, sa - NeighbourFrames), hi = Math.Min(fa, sa + NeighbourFrames);
        int sn = lo + rng.NextInt(hi - lo + 1);
        int d = rng.NextInt(_files.Count - 1);
        if (d >= a) d++;
        int sd = rng.NextInt(FramesOf(d) - LogMelTiles.TileFrames + 1);
        return new TileTriplet(a, sa, sn, d, sd);
    }

    /// <summary>A fixed list of triplets drawn with a generator seeded by <paramref name="seed"/> (for validation).</summary>
    public IReadOnlyList<TileTriplet> Fixed(int count, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, count).Select(_ => Sample(rng)).ToList();
    }

    /// <summary>
    /// The batch tensor [3B, 1, 128, 500] of <paramref name="triplets"/>: anchors first, then neighbours, then distant tiles.
    /// </summary>
    public Tensor Batch(IReadOnlyList<TileTriplet> triplets)
    {
        int b = triplets.Count, size = LogMelTiles.Mels * LogMelTiles.TileFrames;
        var data = new float[3 * b * size];
        for (int i = 0; i < b; i++)
        {
            var t = triplets[i];
            CopyTile(t.AnchorFile, t.AnchorStart, data.AsSpan(i * size, size));
            CopyTile(t.AnchorFile, t.NeighbourStart, data.AsSpan((b + i) * size, size));
            CopyTile(t.DistantFile, t.DistantStart, data.AsSpan((2 * b + i) * size, size));
        }
        return Tensor.From(data, 3 * b, 1, LogMelTiles.Mels, LogMelTiles.TileFrames);
    }

    private void CopyTile(int file, int start, Span<float> dst)
    {
        var lm = _files[file].LogMel;
        for (int t = 0; t < LogMelTiles.TileFrames; t++)
        {
            int o = (start + t) * LogMelTiles.Mels;
            for (int m = 0; m < LogMelTiles.Mels; m++) dst[m * LogMelTiles.TileFrames + t] = (float)lm[o + m];
        }
    }
}
