using Groove.IO.Annotations;

namespace Groove.Evaluation.Tempo;

/// <summary>
/// Tempo metrics. The P-score and one/both-correct follow mir_eval.tempo.detection (MIREX audio tempo estimation;
/// M. F. McKinney et al., "Evaluation of audio beat tracking and music tempo extraction algorithms", JNMR 36(1),
/// 2007): a reference tempo is hit when an estimated tempo is within 8 % of it. Accuracy 1 and 2 follow
/// F. Gouyon et al., "An experimental comparison of audio tempo induction algorithms", IEEE TASLP 14(5), 2006
/// (madmom.evaluation.tempo): the strongest estimated tempo within 4 % of the strongest reference tempo, or also of
/// its double, half, triple or third for Accuracy 2.
/// </summary>
public static class TempoEvaluation
{
    /// <summary>Metric names: mir_eval's for the first three.</summary>
    public const string PScore = "P-score", OneCorrect = "One-correct", BothCorrect = "Both-correct",
        Accuracy1 = "Accuracy 1", Accuracy2 = "Accuracy 2";

    /// <summary>Short labels for tables.</summary>
    public static string ShortName(string metric) => metric switch
    {
        PScore => "P",
        OneCorrect => "One",
        BothCorrect => "Both",
        Accuracy1 => "Acc1",
        Accuracy2 => "Acc2",
        _ => metric,
    };

    /// <summary>All tempo metrics (booleans as 0/1).</summary>
    /// <param name="reference">The reference tempo (at least one tempo &gt; 0).</param>
    /// <param name="estimate">The estimated tempo; only its stronger tempo counts for Accuracy 1 and 2.</param>
    /// <param name="pScoreTolerance">Relative tolerance of the P-score (mir_eval: 0.08).</param>
    /// <param name="accuracyTolerance">Relative tolerance of Accuracy 1 and 2 (MIREX/madmom: 0.04).</param>
    public static Scores Evaluate(TempoAnnotation reference, TempoAnnotation estimate, double pScoreTolerance = 0.08, double accuracyTolerance = 0.04)
    {
        Validate(reference, "reference", requirePositive: true);
        Validate(estimate, "estimate", requirePositive: false);
        var (p, one, both) = Detection(reference, estimate, pScoreTolerance);
        return new Scores()
            .Add(PScore, p)
            .Add(OneCorrect, one ? 1 : 0)
            .Add(BothCorrect, both ? 1 : 0)
            .Add(Accuracy1, Accuracy(reference.Strongest, estimate.Strongest, accuracyTolerance, octaveErrorsAllowed: false) ? 1 : 0)
            .Add(Accuracy2, Accuracy(reference.Strongest, estimate.Strongest, accuracyTolerance, octaveErrorsAllowed: true) ? 1 : 0);
    }

    /// <summary>
    /// mir_eval.tempo.detection: each positive reference tempo is hit when min over the estimated tempi of
    /// |ref − est| / ref ≤ <paramref name="tolerance"/>; P = w·hit1 + (1 − w)·hit2.
    /// </summary>
    public static (double PScore, bool OneCorrect, bool BothCorrect) Detection(TempoAnnotation reference, TempoAnnotation estimate, double tolerance = 0.08)
    {
        if (tolerance is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(tolerance), "tolerance must lie in [0, 1]");
        bool hit1 = Hit(reference.Tempo1, estimate, tolerance);
        bool hit2 = Hit(reference.Tempo2, estimate, tolerance);
        double p = reference.Weight * (hit1 ? 1 : 0) + (1.0 - reference.Weight) * (hit2 ? 1 : 0);
        return (p, hit1 || hit2, hit1 && hit2);
    }

    private static bool Hit(double referenceTempo, TempoAnnotation estimate, double tolerance)
    {
        if (!(referenceTempo > 0)) return false;
        double error = Math.Min(Math.Abs(referenceTempo - estimate.Tempo1), Math.Abs(referenceTempo - estimate.Tempo2)) / referenceTempo;
        return error <= tolerance;
    }

    /// <summary>
    /// |1 − est/ref| ≤ tolerance (madmom's form of the relative error), against the reference alone (Accuracy 1) or
    /// also against 2×, ½×, 3× and ⅓× the reference (Accuracy 2).
    /// </summary>
    public static bool Accuracy(double referenceTempo, double estimatedTempo, double tolerance = 0.04, bool octaveErrorsAllowed = false)
    {
        if (!(referenceTempo > 0) || !(estimatedTempo > 0)) return false;
        ReadOnlySpan<double> targets = octaveErrorsAllowed
            ? [referenceTempo, referenceTempo * 2.0, referenceTempo / 2.0, referenceTempo * 3.0, referenceTempo / 3.0]
            : [referenceTempo];
        foreach (var target in targets)
            if (Math.Abs(1 - estimatedTempo / target) <= tolerance) return true;
        return false;
    }

    private static void Validate(TempoAnnotation t, string what, bool requirePositive)
    {
        if (!double.IsFinite(t.Tempo1) || !double.IsFinite(t.Tempo2) || t.Tempo1 < 0 || t.Tempo2 < 0)
            throw new GrooveException($"{what} tempi must be non-negative numbers (got {t.Tempo1}, {t.Tempo2})");
        if (requirePositive && t.Tempo1 == 0 && t.Tempo2 == 0)
            throw new GrooveException($"{what} has no tempo greater than zero");
        if (!(t.Weight >= 0 && t.Weight <= 1))
            throw new GrooveException($"{what} tempo weight must lie in [0, 1] (got {t.Weight})");
    }
}
