using Groove.Analysis;
using Groove.IO.Annotations;
using Groove.Evaluation.Key;
using Groove.Evaluation.Tempo;
using Groove.Rhythm;
using Groove.Tonality;
using Groove.IO.Datasets;

namespace Groove.Evaluation.Datasets;

/// <summary>Tempo and key estimators for <see cref="DatasetEvaluation"/>: estimates read from folders, a beat tracker's global tempo, a key estimator.</summary>
public static class TempoKeyDatasetEstimators
{
    public static IReadOnlyList<DatasetTrack> TracksWith(Dataset dataset, string kind) =>
        dataset.Tracks.Where(t => t.AnnotationPath(kind) is not null).ToList();

    /// <summary>
    /// Tracks with a key reference that names a key; references saying "no key" (X, −1) are left out, as MIREX
    /// leaves them out, and counted in <paramref name="withoutKey"/>. Unreadable references stay in (their error is reported).
    /// </summary>
    public static IReadOnlyList<DatasetTrack> TracksWithKey(Dataset dataset, out int withoutKey)
    {
        var tracks = new List<DatasetTrack>();
        withoutKey = 0;
        foreach (var t in TracksWith(dataset, "key"))
        {
            bool hasKey;
            try { hasKey = KeyAnnotations.Read(t.AnnotationPath("key")!) is not null; }
            catch (GrooveException) { hasKey = true; }
            if (hasKey) tracks.Add(t); else withoutKey++;
        }
        return tracks;
    }

    public static DatasetEstimator TempoFromFolder(EstimateFolder folder) =>
        new(folder.Name, (track, _) =>
        {
            var reference = TempoAnnotations.Read(track.AnnotationPath("tempo")!);
            var estimate = TempoAnnotations.Read(folder.FileFor(track.Name, "tempo"));
            return new TrackEvaluation(track.Name, folder.Name, TempoEvaluation.Evaluate(reference, estimate), null);
        });

    public static DatasetEstimator KeyFromFolder(EstimateFolder folder, bool allowDescendingFifths) =>
        new(folder.Name, (track, _) =>
        {
            var reference = KeyAnnotations.Read(track.AnnotationPath("key")!);
            var estimate = KeyAnnotations.Read(folder.FileFor(track.Name, "key"));
            return new TrackEvaluation(track.Name, folder.Name, KeyEvaluation.Evaluate(reference, estimate, allowDescendingFifths), null);
        });

    /// <summary>
    /// Scores the tempo <c>groove tempo</c> reports for each track's audio: the <see cref="Analyzer"/>'s MIREX triple
    /// (main tempo from the beats, second tempo and weight from the periodicity analysis).
    /// </summary>
    public static DatasetEstimator TempoFromTracker(IBeatTracker tracker)
    {
        var analyzer = new Analyzer(tracker, null);
        return new(tracker.Name, (track, ct) =>
        {
            var reference = TempoAnnotations.Read(track.AnnotationPath("tempo")!);
            var estimate = analyzer.Analyze(AudioPath(track, tracker.Name), cancellationToken: ct).Tempo!.Value;
            return new TrackEvaluation(track.Name, tracker.Name, TempoEvaluation.Evaluate(reference, estimate), null);
        });
    }

    /// <summary>Scores a key estimator on each track's audio, through the <see cref="Analyzer"/> pipeline.</summary>
    public static DatasetEstimator KeyFromEstimator(IKeyEstimator estimator, bool allowDescendingFifths)
    {
        var analyzer = new Analyzer(null, estimator);
        return new(estimator.Name, (track, ct) =>
        {
            var reference = KeyAnnotations.Read(track.AnnotationPath("key")!);
            var estimate = analyzer.Analyze(AudioPath(track, estimator.Name), cancellationToken: ct).Key!.Global;
            return new TrackEvaluation(track.Name, estimator.Name, KeyEvaluation.Evaluate(reference, estimate.Key, allowDescendingFifths), null);
        });
    }

    private static string AudioPath(DatasetTrack track, string estimator) =>
        track.AudioPath ?? throw new GrooveException($"{track.Name}: no audio file to run {estimator} on");
}
