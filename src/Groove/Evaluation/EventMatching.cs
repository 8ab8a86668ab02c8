namespace Groove.Evaluation;

/// <summary>
/// One-to-one pairing of reference and estimated event times within a tolerance window, as mir_eval's
/// <c>util.match_events</c> defines it: the largest set of pairs (ref i, est j), each event used at most once,
/// with <c>est[j] - window ≤ ref[i] ≤ est[j] + window</c> (the bounds written exactly as mir_eval's
/// <c>_fast_hit_windows</c> computes them, so borderline pairs fall the same way).
/// </summary>
public static class EventMatching
{
    /// <summary>The number of pairs in a maximum one-to-one matching within <paramref name="window"/> seconds.</summary>
    /// <param name="reference">Reference times in seconds (any order).</param>
    /// <param name="estimate">Estimated times in seconds (any order).</param>
    /// <param name="window">Tolerance in seconds, ≥ 0.</param>
    public static int CountMatches(ReadOnlySpan<double> reference, ReadOnlySpan<double> estimate, double window)
    {
        if (reference.IsEmpty || estimate.IsEmpty) return 0;
        var refSorted = reference.ToArray();
        Array.Sort(refSorted);

        // Left vertices: estimates; right vertices: reference indices in sorted order. Each estimate's
        // neighbours form one contiguous run of the sorted references.
        var offsets = new int[estimate.Length + 1];
        var targets = new List<int>(estimate.Length * 2);
        for (int j = 0; j < estimate.Length; j++)
        {
            int lo = LowerBound(refSorted, estimate[j] - window);
            int hi = UpperBound(refSorted, estimate[j] + window);
            for (int i = lo; i < hi; i++) targets.Add(i);
            offsets[j + 1] = targets.Count;
        }
        return BipartiteMatching.MaximumCardinality(estimate.Length, refSorted.Length, offsets,
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(targets));
    }

    /// <summary>First index whose value is ≥ <paramref name="x"/> (numpy searchsorted side='left').</summary>
    internal static int LowerBound(ReadOnlySpan<double> sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>First index whose value is &gt; <paramref name="x"/> (numpy searchsorted side='right').</summary>
    internal static int UpperBound(ReadOnlySpan<double> sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>Index of the value nearest to <paramref name="x"/> in a sorted array; ties go to the earlier index (numpy argmin).</summary>
    internal static int Nearest(ReadOnlySpan<double> sorted, double x)
    {
        int i = LowerBound(sorted, x);
        if (i == 0) return 0;
        if (i == sorted.Length) return sorted.Length - 1;
        // argmin(|x - s|) returns the first of equal distances. Among equal values, LowerBound already gives the
        // first; between the left and right neighbours, the left wins a tie.
        int left = i - 1;
        // The first index holding the left neighbour's value.
        double leftValue = sorted[left];
        while (left > 0 && sorted[left - 1] == leftValue) left--;
        return Math.Abs(x - sorted[left]) <= Math.Abs(x - sorted[i]) ? left : i;
    }
}
