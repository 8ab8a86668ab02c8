namespace Groove.Evaluation.Beats;

/// <summary>Whose definitions the beat metrics follow.</summary>
public enum BeatMetricConventions
{
    /// <summary>mir_eval.beat (the standard in papers since 2014): optimal F-measure matching, 41-bin normalised information gain.</summary>
    MirEval,
    /// <summary>madmom.evaluation.beats: greedy F-measure matching, Goto threshold 0.175, triple/third levels, 40-bin information gain in bits.</summary>
    Madmom,
}
