using Groove.IO.Annotations;

namespace Groove.Rhythm;

/// <summary>
/// The tempo as MIREX's "t1 t2 weight" triple (what <c>groove tempo</c> writes and <c>groove eval tempo</c> scores):
/// t1 is the main tempo (from the tracked beats, else the periodicity estimate), t2 the member of the estimate's
/// <see cref="TempoPair"/> farther from t1, and the weight the salience of t1 relative to t2.
/// </summary>
public static class MirexTempo
{
    /// <summary>The triple of a tracking result; (0, 0, 1) when no tempo was found.</summary>
    public static TempoAnnotation From(BeatTrackingResult result) => From(result.Tempo, result.TempoEstimate);

    /// <summary>The triple for main tempo <paramref name="mainBpm"/> (≤ 0: take the estimate's) and the periodicity
    /// <paramref name="estimate"/> (null: no second tempo).</summary>
    public static TempoAnnotation From(double mainBpm, TempoEstimate? estimate)
    {
        double t1 = mainBpm > 0 ? mainBpm : estimate?.Bpm ?? 0;
        if (!(t1 > 0)) return TempoAnnotation.Single(0);
        if (estimate is null) return TempoAnnotation.Single(t1);
        var p = estimate.Pair;
        // The pair is (slow, fast); the second tempo is the member farther from t1.
        bool slowIsMain = Math.Abs(Math.Log(p.Slow / t1)) <= Math.Abs(Math.Log(p.Fast / t1));
        double t2 = slowIsMain ? p.Fast : p.Slow;
        double w1 = slowIsMain ? p.SlowStrength : 1 - p.SlowStrength;
        if (!(t2 > 0) || Math.Abs(t2 - t1) < 1e-6) { t2 = 0; w1 = 1; }
        // t1 is the chosen tempo, so it keeps at least half the weight (MIREX readers take the heavier one).
        return new TempoAnnotation(t1, t2, Math.Max(w1, 0.5));
    }
}
