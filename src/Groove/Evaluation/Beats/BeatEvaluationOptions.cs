namespace Groove.Evaluation.Beats;

/// <summary>How beats are scored.</summary>
/// <param name="Conventions">mir_eval's or madmom's definitions.</param>
/// <param name="MinBeatTime">Beats before this time (seconds) are ignored in both sequences. Null: the convention's
/// default, 5 s for mir_eval (beats ≥ 5 s are kept) and none for madmom (madmom's <c>--skip</c> keeps beats &gt; skip).</param>
/// <param name="Downbeats">Also score downbeats (F-measure on the beats with BeatInBar = 1) when both sequences have bar positions.</param>
public sealed record BeatEvaluationOptions(
    BeatMetricConventions Conventions = BeatMetricConventions.MirEval,
    double? MinBeatTime = null,
    bool Downbeats = true)
{
    public double EffectiveMinBeatTime => MinBeatTime ?? (Conventions == BeatMetricConventions.MirEval ? 5.0 : 0.0);

    /// <summary>Whether a beat at <paramref name="time"/> is scored (mir_eval keeps t ≥ min; madmom keeps t &gt; skip when skip &gt; 0).</summary>
    public bool Keeps(double time) => Conventions == BeatMetricConventions.MirEval
        ? time >= EffectiveMinBeatTime
        : !(EffectiveMinBeatTime > 0) || time > EffectiveMinBeatTime;
}
