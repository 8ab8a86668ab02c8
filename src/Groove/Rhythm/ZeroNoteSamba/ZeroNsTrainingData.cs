using Groove.Nn;

namespace Groove.Rhythm.ZeroNoteSamba;

/// <summary>One cached excerpt: its cache file and index there.</summary>
public readonly record struct ZeroNsExcerptRef(string CachePath, int Index);

/// <summary>
/// The excerpts a Zero-Note Samba run trains or validates on (see <see cref="ZeroNsExcerptCache"/>), and the pretext
/// batches drawn from them: per batch one excerpt and <c>windows</c> distinct start frames in it, each window
/// <c>frames</c> long, as the percussive and the non-percussive inputs [windows, 1, 96, frames].
/// </summary>
public sealed class ZeroNsTrainingData
{
    private readonly ZeroNsExcerptCache _cache;
    private readonly List<ZeroNsExcerptRef> _excerpts = new();

    /// <summary>An empty set reading from <paramref name="cache"/>.</summary>
    public ZeroNsTrainingData(ZeroNsExcerptCache cache) => _cache = cache;

    /// <summary>Number of excerpts.</summary>
    public int Count => _excerpts.Count;

    /// <summary>Number of distinct cache files (audio files) the excerpts come from.</summary>
    public int Files => _excerpts.Select(e => e.CachePath).Distinct().Count();

    /// <summary>Adds the <paramref name="count"/> cached excerpts of an audio file.</summary>
    public void Add(string audioPath, int count)
    {
        var path = _cache.PathFor(audioPath);
        for (int i = 0; i < count; i++) _excerpts.Add(new ZeroNsExcerptRef(path, i));
    }

    /// <summary>A batch from a random excerpt with random distinct window starts.</summary>
    public (Tensor Percussive, Tensor NonPercussive) Sample(Rng rng, int windows, int frames)
    {
        if (Count == 0) throw new GrooveException("no training excerpts");
        var e = _excerpts[rng.NextInt(Count)];
        return Batch(e, Starts(rng, windows, frames), frames);
    }

    /// <summary>Distinct window starts in an excerpt (drawn without replacement).</summary>
    public int[] Starts(Rng rng, int windows, int frames)
    {
        int range = _cache.ExcerptFrames - frames + 1;
        if (range < windows) throw new GrooveException($"excerpts of {_cache.ExcerptFrames} frames hold fewer than {windows} distinct windows of {frames}");
        var all = new int[range];
        for (int i = 0; i < range; i++) all[i] = i;
        // Partial Fisher–Yates: the first `windows` entries are a uniform sample without replacement.
        for (int i = 0; i < windows; i++)
        {
            int j = i + rng.NextInt(range - i);
            (all[i], all[j]) = (all[j], all[i]);
        }
        return all[..windows];
    }

    /// <summary>Fixed validation batches: up to <paramref name="count"/> excerpts spread over the set, each with
    /// window starts from a generator seeded with <paramref name="seed"/>.</summary>
    public List<(ZeroNsExcerptRef Excerpt, int[] Starts)> FixedBatches(int count, int windows, int frames, ulong seed)
    {
        var rng = new Rng(seed);
        var list = new List<(ZeroNsExcerptRef, int[])>();
        int n = Math.Min(count, Count);
        for (int i = 0; i < n; i++)
        {
            var e = _excerpts[(int)((long)i * Count / n)];
            list.Add((e, Starts(rng, windows, frames)));
        }
        return list;
    }

    /// <summary>The inputs of windows at <paramref name="starts"/> in one excerpt.</summary>
    public (Tensor Percussive, Tensor NonPercussive) Batch(ZeroNsExcerptRef excerpt, int[] starts, int frames)
    {
        int bins = ZeroNsFrontEnd.Bins, ef = _cache.ExcerptFrames, w = starts.Length;
        var x = new float[_cache.ExcerptSize];
        _cache.ReadFile(excerpt.CachePath, excerpt.Index, x);
        var p = new float[w * bins * frames];
        var q = new float[w * bins * frames];
        for (int i = 0; i < w; i++)
            for (int b = 0; b < bins; b++)
            {
                x.AsSpan(b * ef + starts[i], frames).CopyTo(p.AsSpan((i * bins + b) * frames));
                x.AsSpan((bins + b) * ef + starts[i], frames).CopyTo(q.AsSpan((i * bins + b) * frames));
            }
        return (Tensor.Wrap(p, w, 1, bins, frames), Tensor.Wrap(q, w, 1, bins, frames));
    }
}
