using Groove.Audio;
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

    /// <summary>Scores the global tempo a beat tracker reports for each track's audio.</summary>
    public static DatasetEstimator TempoFromTracker(IBeatTracker tracker) =>
        new(tracker.Name, (track, ct) =>
        {
            var reference = TempoAnnotations.Read(track.AnnotationPath("tempo")!);
            var result = tracker.Track(LoadAudio(track, tracker.Name), cancellationToken: ct);
            var estimate = TempoAnnotation.Single(double.IsFinite(result.Tempo) && result.Tempo > 0 ? result.Tempo : 0);
            return new TrackEvaluation(track.Name, tracker.Name, TempoEvaluation.Evaluate(reference, estimate), null);
        });

    /// <summary>Scores a key estimator on each track's audio.</summary>
    public static DatasetEstimator KeyFromEstimator(IKeyEstimator estimator, bool allowDescendingFifths) =>
        new(estimator.Name, (track, ct) =>
        {
            var reference = KeyAnnotations.Read(track.AnnotationPath("key")!);
            var estimate = estimator.Estimate(LoadAudio(track, estimator.Name), cancellationToken: ct);
            return new TrackEvaluation(track.Name, estimator.Name, KeyEvaluation.Evaluate(reference, estimate.Key, allowDescendingFifths), null);
        });

    private static AudioBuffer LoadAudio(DatasetTrack track, string estimator) =>
        track.AudioPath is { } path ? AudioFile.Load(path) : throw new GrooveException($"{track.Name}: no audio file to run {estimator} on");
}
