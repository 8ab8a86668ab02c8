using Groove.IO.Datasets;

namespace Groove.Evaluation.Datasets;

/// <summary>An estimator to score on a dataset: a name and the scoring of one track (throwing on failure).</summary>
public sealed record DatasetEstimator(string Name, Func<DatasetTrack, CancellationToken, TrackEvaluation> Evaluate);
