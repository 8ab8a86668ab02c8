using Groove.Analysis;
using Groove.IO.Annotations;
using Groove.Evaluation.Beats;
using Groove.Rhythm;
using Groove.IO.Datasets;

namespace Groove.Evaluation.Datasets;

/// <summary>Beat estimators for <see cref="DatasetEvaluation"/>: a beat tracker run on each track's audio, or a folder of estimates.</summary>
public static class BeatDatasetEstimators
{
    /// <summary>Tracks that have a beat reference (a beats file, or a JAMS file).</summary>
    public static IReadOnlyList<DatasetTrack> TracksWithBeats(Dataset dataset) =>
        dataset.Tracks.Where(t => t.AnnotationPath("beats") is not null).ToList();

    /// <summary>Runs <paramref name="tracker"/> on each track's audio, through the <see cref="Analyzer"/> pipeline.</summary>
    public static DatasetEstimator FromTracker(IBeatTracker tracker, BeatEvaluationOptions options) =>
        FromAnalyzer(new Analyzer(tracker, null), options);

    /// <summary>Runs <paramref name="analyzer"/> (its beats) on each track's audio: what <c>groove beats</c> runs.</summary>
    public static DatasetEstimator FromAnalyzer(Analyzer analyzer, BeatEvaluationOptions options)
    {
        var name = analyzer.BeatTracker?.Name ?? throw new ArgumentException("the analyzer tracks no beats", nameof(analyzer));
        return new(name, (track, ct) =>
        {
            if (track.AudioPath is null) throw new GrooveException($"{track.Name}: no audio file to run {name} on");
            var reference = BeatAnnotations.Read(track.AnnotationPath("beats")!);
            var result = analyzer.Analyze(track.AudioPath, cancellationToken: ct);
            return Score(track, name, reference, result.Beats!.Beats, options, result.Duration);
        });
    }

    /// <summary>Reads each track's estimate from <paramref name="folder"/>.</summary>
    public static DatasetEstimator FromFolder(EstimateFolder folder, BeatEvaluationOptions options) =>
        new(folder.Name, (track, _) =>
        {
            var reference = BeatAnnotations.Read(track.AnnotationPath("beats")!);
            var estimate = BeatAnnotations.Read(folder.FileFor(track.Name, "beats"));
            return Score(track, folder.Name, reference, estimate, options, 0);
        });

    private static TrackEvaluation Score(DatasetTrack track, string estimator, IReadOnlyList<Beat> reference, IReadOnlyList<Beat> estimate,
        BeatEvaluationOptions options, double duration)
    {
        var scores = BeatEvaluation.Evaluate(reference, estimate, options);
        double end = Math.Max(duration, Math.Max(reference.Count > 0 ? reference[^1].Time : 0, estimate.Count > 0 ? estimate.Max(b => b.Time) : 0));
        return new TrackEvaluation(track.Name, estimator, scores, null, reference, estimate, end);
    }
}
