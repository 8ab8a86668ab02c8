using Groove.Evaluation.Annotations;
using Groove.Evaluation.Key;
using Groove.Evaluation.Tempo;

namespace Groove.Evaluation.Datasets;

/// <summary>Tempo and key estimates read from folders, for <see cref="DatasetEvaluation"/>.</summary>
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
}
