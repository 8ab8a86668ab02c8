using Groove.IO.Datasets;

namespace Groove.Evaluation.Datasets;

/// <summary>
/// Scores estimators over the tracks of a dataset, in parallel, keeping per-track results and failures (a
/// failed track is reported, not fatal) and summarising each metric as mean ± standard deviation.
/// </summary>
public sealed class DatasetEvaluation
{
    private DatasetEvaluation(IReadOnlyList<string> estimators, IReadOnlyList<string> tracks, TrackEvaluation[,] results)
    {
        Estimators = estimators;
        Tracks = tracks;
        _results = results;
    }

    private readonly TrackEvaluation[,] _results;

    public IReadOnlyList<string> Estimators { get; }
    public IReadOnlyList<string> Tracks { get; }

    /// <summary>The result of estimator <paramref name="e"/> on track <paramref name="t"/> (indices into the lists above).</summary>
    public TrackEvaluation Result(int e, int t) => _results[e, t];

    public IEnumerable<TrackEvaluation> ResultsOf(int e)
    {
        for (int t = 0; t < Tracks.Count; t++) yield return _results[e, t];
    }

    /// <summary>Metric names in first-seen order over all results.</summary>
    public IReadOnlyList<string> Metrics()
    {
        var names = new List<string>();
        foreach (var r in _results)
            if (r.Scores is { } s)
                foreach (var n in s.Names)
                    if (!names.Contains(n)) names.Add(n);
        return names;
    }

    /// <summary>Mean ± population standard deviation of each metric over the estimator's scored tracks.</summary>
    public IReadOnlyList<MetricSummary> Summary(int e)
    {
        var summaries = new List<MetricSummary>();
        foreach (var metric in Metrics())
        {
            var values = new List<double>();
            foreach (var r in ResultsOf(e))
                if (r.Scores is { } s && s.TryGet(metric, out var v) && !double.IsNaN(v)) values.Add(v);
            if (values.Count == 0) { summaries.Add(new MetricSummary(metric, double.NaN, double.NaN, 0)); continue; }
            double mean = values.Average();
            double variance = values.Sum(v => (v - mean) * (v - mean)) / values.Count;
            summaries.Add(new MetricSummary(metric, mean, Math.Sqrt(variance), values.Count));
        }
        return summaries;
    }

    /// <summary>Runs every estimator on every track.</summary>
    /// <param name="tracks">Tracks to score (typically those with the needed reference annotation).</param>
    /// <param name="estimators">What to score.</param>
    /// <param name="maxParallelism">Tracks scored at once (0: one per core).</param>
    /// <param name="progress">Receives the number of finished (track, estimator) pairs.</param>
    /// <param name="cancellationToken">Stops scheduling further tracks.</param>
    public static DatasetEvaluation Run(IReadOnlyList<DatasetTrack> tracks, IReadOnlyList<DatasetEstimator> estimators,
        int maxParallelism = 0, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var names = estimators.Select(e => e.Name).ToList();
        if (names.Distinct().Count() != names.Count)
            throw new GrooveException($"two estimators have the same name ({string.Join(", ", names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key))}); give folders distinct names");
        var results = new TrackEvaluation[estimators.Count, tracks.Count];
        int done = 0;
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxParallelism > 0 ? maxParallelism : Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        var pairs = Enumerable.Range(0, estimators.Count).SelectMany(e => Enumerable.Range(0, tracks.Count).Select(t => (e, t))).ToList();
        Parallel.ForEach(pairs, options, pair =>
        {
            var (e, t) = pair;
            TrackEvaluation result;
            try
            {
                result = estimators[e].Evaluate(tracks[t], cancellationToken);
            }
            catch (Exception ex) when (ex is GrooveException or IOException or UnauthorizedAccessException or InvalidDataException)
            {
                result = new TrackEvaluation(tracks[t].Name, estimators[e].Name, null, OneLine(ex.Message));
            }
            results[e, t] = result;
            progress?.Report(Interlocked.Increment(ref done));
        });
        return new DatasetEvaluation(names, tracks.Select(t => t.Name).ToList(), results);
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}
