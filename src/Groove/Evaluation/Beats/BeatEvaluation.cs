using Groove.Rhythm;

namespace Groove.Evaluation.Beats;

/// <summary>Scores estimated beats against reference beats with every standard beat metric.</summary>
public static class BeatEvaluation
{
    /// <summary>Metric names, as mir_eval.beat.evaluate names them (madmom's information gain is reported under "Information gain", in bits).</summary>
    public const string FMeasure = "F-measure", Cemgil = "Cemgil", CemgilBestMetricLevel = "Cemgil Best Metric Level",
        Goto = "Goto", PScore = "P-score", Cmlc = "Correct Metric Level Continuous", Cmlt = "Correct Metric Level Total",
        Amlc = "Any Metric Level Continuous", Amlt = "Any Metric Level Total", InformationGain = "Information gain",
        DownbeatFMeasure = "Downbeat F-measure";

    /// <summary>Short labels for tables (F, CMLt, ...).</summary>
    public static string ShortName(string metric) => metric switch
    {
        FMeasure => "F",
        Cemgil => "Cemgil",
        CemgilBestMetricLevel => "CemgilBML",
        Goto => "Goto",
        PScore => "P",
        Cmlc => "CMLc",
        Cmlt => "CMLt",
        Amlc => "AMLc",
        Amlt => "AMLt",
        InformationGain => "D",
        DownbeatFMeasure => "DbF",
        _ => metric,
    };

    /// <summary>All metrics for one track. Beats need not be sorted.</summary>
    public static Scores Evaluate(IReadOnlyList<Beat> reference, IReadOnlyList<Beat> estimate, BeatEvaluationOptions? options = null)
    {
        options ??= new BeatEvaluationOptions();
        var scores = EvaluateTimes(Times(reference, downbeatsOnly: false), Times(estimate, downbeatsOnly: false), options);
        if (options.Downbeats && reference.Any(b => b.BeatInBar != 0) && estimate.Any(b => b.BeatInBar != 0))
        {
            var r = Trim(Times(reference, downbeatsOnly: true), options);
            var e = Trim(Times(estimate, downbeatsOnly: true), options);
            scores.Add(DownbeatFMeasure, options.Conventions == BeatMetricConventions.MirEval
                ? MirEvalBeatMetrics.FMeasure(r, e) : MadmomBeatMetrics.FMeasure(r, e));
        }
        return scores;
    }

    /// <summary>All metrics for one track from beat times in seconds (need not be sorted).</summary>
    public static Scores EvaluateTimes(ReadOnlySpan<double> reference, ReadOnlySpan<double> estimate, BeatEvaluationOptions? options = null)
    {
        options ??= new BeatEvaluationOptions();
        var r = Trim(Sorted(reference), options);
        var e = Trim(Sorted(estimate), options);
        var scores = new Scores();
        if (options.Conventions == BeatMetricConventions.MirEval)
        {
            var (cemgil, cemgilBest) = MirEvalBeatMetrics.Cemgil(r, e);
            var c = MirEvalBeatMetrics.Continuity(r, e);
            scores.Add(FMeasure, MirEvalBeatMetrics.FMeasure(r, e))
                .Add(Cemgil, cemgil)
                .Add(CemgilBestMetricLevel, cemgilBest)
                .Add(Goto, MirEvalBeatMetrics.Goto(r, e))
                .Add(PScore, MirEvalBeatMetrics.PScore(r, e))
                .Add(Cmlc, c.Cmlc).Add(Cmlt, c.Cmlt).Add(Amlc, c.Amlc).Add(Amlt, c.Amlt)
                .Add(InformationGain, MirEvalBeatMetrics.InformationGain(r, e));
        }
        else
        {
            var c = MadmomBeatMetrics.Continuity(r, e);
            scores.Add(FMeasure, MadmomBeatMetrics.FMeasure(r, e))
                .Add(Cemgil, MadmomBeatMetrics.Cemgil(r, e))
                .Add(Goto, MadmomBeatMetrics.Goto(r, e))
                .Add(PScore, MadmomBeatMetrics.PScore(r, e))
                .Add(Cmlc, c.Cmlc).Add(Cmlt, c.Cmlt).Add(Amlc, c.Amlc).Add(Amlt, c.Amlt)
                .Add(InformationGain, MadmomBeatMetrics.InformationGain(r, e));
        }
        return scores;
    }

    private static double[] Trim(double[] sorted, BeatEvaluationOptions options) =>
        options.Conventions == BeatMetricConventions.MirEval
            ? MirEvalBeatMetrics.Trim(sorted, options.EffectiveMinBeatTime)
            : MadmomBeatMetrics.Skip(sorted, options.EffectiveMinBeatTime);

    private static double[] Sorted(ReadOnlySpan<double> times)
    {
        var a = times.ToArray();
        foreach (var t in a)
            if (!double.IsFinite(t)) throw new GrooveException($"beat time {t} is not a finite number");
        Array.Sort(a);
        return a;
    }

    private static double[] Times(IReadOnlyList<Beat> beats, bool downbeatsOnly)
    {
        var list = new List<double>(beats.Count);
        foreach (var b in beats) if (!downbeatsOnly || b.BeatInBar == 1) list.Add(b.Time);
        var a = list.ToArray();
        Array.Sort(a);
        return a;
    }
}
