namespace Groove.Rhythm.Dbn;

/// <summary>
/// The beat periods (in frames) a bar-pointer model tracks, after madmom's <c>BeatStateSpace</c>
/// (Krebs, Böck &amp; Widmer 2015, "An efficient state-space model for joint tempo and meter tracking", ISMIR).
/// Every integer interval between the rounded bounds, or — when <c>numTempi</c> is smaller than that — about
/// <c>numTempi</c> log-spaced intervals.
/// </summary>
internal static class TempoIntervals
{
    /// <summary>Intervals in frames for tempi between <paramref name="minBpm"/> and <paramref name="maxBpm"/> at <paramref name="fps"/>.</summary>
    public static int[] FromBpm(double minBpm, double maxBpm, int? numTempi, double fps)
    {
        if (!(minBpm > 0) || !(maxBpm >= minBpm) || double.IsInfinity(maxBpm))
            throw new GrooveException($"tempo range must satisfy 0 < min ≤ max (got {minBpm}–{maxBpm} BPM)");
        if (!(fps > 0) || double.IsInfinity(fps)) throw new GrooveException($"frame rate must be positive (got {fps})");
        return Create(60.0 * fps / maxBpm, 60.0 * fps / minBpm, numTempi);
    }

    /// <summary>Intervals between <paramref name="minInterval"/> and <paramref name="maxInterval"/> frames.</summary>
    public static int[] Create(double minInterval, double maxInterval, int? numTempi)
    {
        // Math.Round rounds half to even, as numpy's round does.
        int lo = (int)Math.Round(minInterval), hi = (int)Math.Round(maxInterval);
        if (lo < 1)
            throw new GrooveException($"the fastest tempo is under one frame per beat (interval {minInterval:G4} frames): lower the maximum tempo or raise the frame rate");
        int count = hi - lo + 1;
        if (numTempi is not { } n || n >= count)
        {
            var linear = new int[count];
            for (int i = 0; i < count; i++) linear[i] = lo + i;
            return linear;
        }
        if (n < 1) throw new GrooveException($"the number of tempi must be positive (got {n})");
        // Log spacing, quantised to integers; duplicates merge, so ask for more points until n distinct remain.
        var set = new SortedSet<int>();
        double a = Math.Log2(minInterval), b = Math.Log2(maxInterval);
        for (int points = n; set.Count < n; points++)
        {
            set.Clear();
            double step = points > 1 ? (b - a) / (points - 1) : 0;
            for (int i = 0; i < points; i++)
            {
                double e = i == points - 1 && points > 1 ? b : a + i * step;
                set.Add((int)Math.Round(Math.Pow(2, e)));
            }
        }
        return [.. set];
    }
}
