using Groove.Rhythm;

namespace Groove.Evaluation.Datasets;

/// <summary>
/// One track scored for one estimator: the scores, or the one-line reason it could not be scored.
/// Beat evaluations keep the reference and estimated beats (for plots).
/// </summary>
public sealed record TrackEvaluation(
    string Track,
    string Estimator,
    Scores? Scores,
    string? Error,
    IReadOnlyList<Beat>? ReferenceBeats = null,
    IReadOnlyList<Beat>? EstimatedBeats = null,
    double Duration = 0)
{
    public bool Succeeded => Scores is not null;
}
