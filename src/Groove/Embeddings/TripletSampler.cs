using Groove.Nn;

namespace Groove.Embeddings;

/// <summary>One triplet: (file, start frame) of the anchor, its neighbour (same file, nearby; or, with group positives,
/// another file of the anchor's group) and a distant tile (another file; or, as a harder negative, a groupmate file or
/// a far part of the anchor's own file).</summary>
public readonly record struct TileTriplet(int AnchorFile, int AnchorStart, int NeighbourFile, int NeighbourStart, int DistantFile, int DistantStart);

/// <summary>
/// Log-mel excerpts of many recordings held in memory (float16, at most <see cref="MaxFrames"/> frames from the
/// middle of each), and the temporal-proximity triplets of Jansen et al. 2018 drawn from them: the anchor is a
/// random 5 s tile, the neighbour a tile of the same recording starting within ±<see cref="NeighbourFrames"/>
/// frames of it, the distant tile a random tile of another recording — the audio counterpart of Tile2Vec's
/// spatial neighbourhoods (Jean et al. 2018).
/// Harder negatives, when asked: a share <see cref="SameFileFraction"/> of distant tiles come from the anchor's own
/// recording but at least <see cref="FarFrames"/> away from it (the same production, another passage), and a share
/// <see cref="SameGroupFraction"/> from another recording of the anchor's group (a Debian package, an album: the
/// same artist and sound), so the network must tell passages and pieces apart, not only recordings or collections.
/// When a recording is too short for a far tile, or alone in its group, that triplet falls back to the next easier
/// kind. With both shares 0 (the default) the draws are exactly those of the plain sampler.
/// Group positives, when asked: a share <see cref="GroupPositiveFraction"/> of neighbours are a random tile of another
/// recording of the anchor's group (distant tiles then come from other groups), so that pieces of one collection (a
/// game's soundtrack, an album: one composer, one style) come close, not only passages of one recording; an
/// album-level version of Tile2Vec's neighbourhoods that still needs no labels, only the folder the files are in.
/// </summary>
public sealed class TripletSampler
{
    private readonly List<(string Name, Half[] LogMel)> _files = new();
    private readonly List<int> _groupOf = new();
    private readonly List<List<int>> _groups = new();
    private readonly Dictionary<string, int> _groupIds = new(StringComparer.Ordinal);

    /// <summary>Frames kept per recording (default 6000 = 60 s).</summary>
    public int MaxFrames { get; }
    /// <summary>Largest offset between anchor and neighbour starts (default 1000 frames = 10 s).</summary>
    public int NeighbourFrames { get; }

    /// <summary>Share of distant tiles taken far away in the anchor's own recording (0–1).</summary>
    public double SameFileFraction { get; }
    /// <summary>Share of distant tiles taken from another recording of the anchor's group (0–1).</summary>
    public double SameGroupFraction { get; }
    /// <summary>Share of neighbours taken from another recording of the anchor's group (0–1).</summary>
    public double GroupPositiveFraction { get; }
    /// <summary>Least offset between an anchor and a distant tile of the same recording: past every neighbour, no overlap (<see cref="NeighbourFrames"/> + one tile).</summary>
    public int FarFrames => NeighbourFrames + LogMelTiles.TileFrames;

    public TripletSampler(int maxFrames = 6000, int neighbourFrames = 1000, double sameFileFraction = 0, double sameGroupFraction = 0,
        double groupPositiveFraction = 0)
    {
        if (maxFrames < LogMelTiles.TileFrames) throw new ArgumentOutOfRangeException(nameof(maxFrames));
        if (!(sameFileFraction >= 0 && sameGroupFraction >= 0 && sameFileFraction + sameGroupFraction <= 1))
            throw new GrooveException($"hard-negative shares must be at least 0 and add up to at most 1 (same file {sameFileFraction}, same group {sameGroupFraction})");
        if (!(groupPositiveFraction is >= 0 and <= 1))
            throw new GrooveException($"the group-positive share must be between 0 and 1, not {groupPositiveFraction}");
        if (groupPositiveFraction > 0 && sameGroupFraction > 0)
            throw new GrooveException("group positives and same-group negatives contradict each other: ask for one of them");
        GroupPositiveFraction = groupPositiveFraction;
        (MaxFrames, NeighbourFrames) = (maxFrames, Math.Max(1, neighbourFrames));
        (SameFileFraction, SameGroupFraction) = (sameFileFraction, sameGroupFraction);
    }

    /// <summary>Recordings held.</summary>
    public int Count => _files.Count;
    /// <summary>Total frames held.</summary>
    public long Frames => _files.Sum(f => (long)f.LogMel.Length / LogMelTiles.Mels);

    /// <summary>
    /// Adds a recording's log-mel (frame-major); keeps its middle <see cref="MaxFrames"/> frames. <paramref name="group"/>
    /// (a package, an album; null: a group of its own) is where same-group negatives come from. Returns false when it
    /// is shorter than one tile.
    /// </summary>
    public bool Add(string name, ReadOnlySpan<float> logMel, string? group = null)
    {
        int frames = logMel.Length / LogMelTiles.Mels;
        if (frames < LogMelTiles.TileFrames) return false;
        int keep = Math.Min(frames, MaxFrames), start = (frames - keep) / 2;
        var h = new Half[keep * LogMelTiles.Mels];
        var src = logMel.Slice(start * LogMelTiles.Mels, h.Length);
        for (int i = 0; i < h.Length; i++) h[i] = (Half)src[i];
        _files.Add((name, h));
        int g;
        if (group is null || !_groupIds.TryGetValue(group, out g))
        {
            g = _groups.Count;
            _groups.Add(new List<int>());
            if (group is not null) _groupIds[group] = g;
        }
        _groups[g].Add(_files.Count - 1);
        _groupOf.Add(g);
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
        // Group positives (only when asked: the other samplers' draws stay as they were): a groupmate's random tile as
        // the neighbour, and a distant tile from outside the group.
        if (GroupPositiveFraction > 0 && rng.NextDouble() < GroupPositiveFraction && Groupmate(a, rng) is int friend)
        {
            int sf = rng.NextInt(FramesOf(friend) - LogMelTiles.TileFrames + 1);
            int stranger = OutsideGroup(a, rng);
            return new TileTriplet(a, sa, friend, sf, stranger, rng.NextInt(FramesOf(stranger) - LogMelTiles.TileFrames + 1));
        }
        // One draw picks the kind of negative (only when harder ones are asked for: the plain sampler's draws stay as they were).
        double kind = SameFileFraction > 0 || SameGroupFraction > 0 ? rng.NextDouble() : 1;
        if (kind < SameFileFraction && FarTile(a, sa, rng) is int far) return new TileTriplet(a, sa, a, sn, a, far);
        int d = kind < SameFileFraction + SameGroupFraction && Groupmate(a, rng) is int mate ? mate : OtherFile(a, rng);
        int sd = rng.NextInt(FramesOf(d) - LogMelTiles.TileFrames + 1);
        return new TileTriplet(a, sa, a, sn, d, sd);
    }

    /// <summary>A file outside <paramref name="a"/>'s group, uniformly over them (any other file when the group holds every file).</summary>
    private int OutsideGroup(int a, Rng rng)
    {
        int inGroup = _groups[_groupOf[a]].Count, outside = _files.Count - inGroup;
        if (outside == 0) return OtherFile(a, rng);
        int r = rng.NextInt(outside);
        for (int f = 0; f < _files.Count; f++)
            if (_groupOf[f] != _groupOf[a] && r-- == 0) return f;
        throw new InvalidOperationException("unreachable: the count of files outside the group was wrong");
    }

    private int OtherFile(int a, Rng rng)
    {
        int d = rng.NextInt(_files.Count - 1);
        return d >= a ? d + 1 : d;
    }

    /// <summary>A tile start of file <paramref name="a"/> at least <see cref="FarFrames"/> from <paramref name="sa"/>, uniformly over both sides; null when the file is too short.</summary>
    private int? FarTile(int a, int sa, Rng rng)
    {
        int last = FramesOf(a) - LogMelTiles.TileFrames;
        int before = Math.Max(0, sa - FarFrames + 1);        // starts 0 .. sa − far
        int after = Math.Max(0, last - (sa + FarFrames) + 1); // starts sa + far .. last
        if (before + after == 0) return null;
        int r = rng.NextInt(before + after);
        return r < before ? r : sa + FarFrames + (r - before);
    }

    /// <summary>Another file of <paramref name="a"/>'s group, uniformly; null when it is alone in its group.</summary>
    private int? Groupmate(int a, Rng rng)
    {
        var members = _groups[_groupOf[a]];
        if (members.Count < 2) return null;
        int i = rng.NextInt(members.Count - 1);
        int mate = members[i];
        return mate == a ? members[members.Count - 1] : mate;
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
            CopyTile(t.NeighbourFile, t.NeighbourStart, data.AsSpan((b + i) * size, size));
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
