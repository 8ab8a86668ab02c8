namespace Groove.Evaluation.Datasets;

/// <summary>Mean and (population) standard deviation of one metric over the tracks an estimator was scored on.</summary>
public sealed record MetricSummary(string Metric, double Mean, double StandardDeviation, int Count);
