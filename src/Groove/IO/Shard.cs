using System.Globalization;

namespace Groove.IO;

/// <summary>
/// One of <see cref="Count"/> disjoint parts of a <see cref="TrackManifest"/>: shard <see cref="Index"/> takes the
/// tracks at positions Index, Index + Count, Index + 2·Count, … (every Count-th track). Deterministic, so shards run
/// on different machines (a SLURM array task, a Kubernetes indexed pod) together cover every track exactly once, and
/// interleaved, so slow regions of a catalogue (long tracks grouped together) spread over all shards.
/// </summary>
/// <param name="Index">Zero-based: 0 ≤ Index &lt; Count (SLURM_ARRAY_TASK_ID with <c>--array=0-(N-1)</c>, JOB_COMPLETION_INDEX).</param>
/// <param name="Count">How many shards the manifest is split into.</param>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole manifest as one shard.</summary>
    public static Shard All => new(0, 1);

    /// <summary>Whether the track at <paramref name="position"/> belongs to this shard.</summary>
    public bool Contains(int position) => position % Count == Index;

    /// <summary>The positions of this shard's tracks among <paramref name="total"/>, in order.</summary>
    public IEnumerable<int> Positions(int total)
    {
        for (int p = Index; p < total; p += Count) yield return p;
    }

    /// <summary>How many of <paramref name="total"/> tracks this shard holds.</summary>
    public int SizeOf(int total) => total <= Index ? 0 : (total - Index + Count - 1) / Count;

    /// <summary>"i/n".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>Parses "i/n" with 0 ≤ i &lt; n.</summary>
    /// <exception cref="GrooveException">Anything else, in one line.</exception>
    public static Shard Parse(string text)
    {
        var parts = (text ?? "").Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            throw new GrooveException($"--shard: expected i/n, e.g. 0/4 (shards are numbered from 0), got '{text}'");
        if (n < 1) throw new GrooveException($"--shard {text}: the number of shards must be at least 1");
        if (i >= n) throw new GrooveException($"--shard {text}: the shard index must be below {n} (shards are numbered 0 to {n - 1})");
        return new Shard(i, n);
    }
}
