using Groove.Audio;
using Groove.IO.Annotations;
using Groove.Evaluation.Datasets;
using Groove.Rhythm.Learned;
using Groove.IO.Datasets;

namespace Groove.Evaluation.FewShot;

/// <summary>Loads a dataset's beat-annotated tracks once, as <see cref="FewShotTrack"/>s with precomputed features.</summary>
public static class FewShotData
{
    /// <summary>Every track of <paramref name="dataset"/> with audio and a beat annotation, in name order (the first
    /// <paramref name="limit"/> when given), with <paramref name="features"/>; <paramref name="progress"/> gets (done, total).</summary>
    public static IReadOnlyList<FewShotTrack> Load(Dataset dataset, IBeatFeatureExtractor features, int? limit = null,
        Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        var tracks = BeatDatasetEstimators.TracksWithBeats(dataset).Where(t => t.AudioPath is not null)
            .OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        if (limit is int n) tracks = tracks.Take(n).ToList();
        var result = new List<FewShotTrack>(tracks.Count);
        foreach (var t in tracks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var beats = BeatAnnotations.Read(t.AnnotationPath("beats")!).Select(b => b.Time).ToArray();
            result.Add(FromAudio(t.Name, AudioFile.Load(t.AudioPath!), beats, features));
            progress?.Invoke(result.Count, tracks.Count);
        }
        return result;
    }

    /// <summary>One track from audio and its reference beat times in seconds.</summary>
    public static FewShotTrack FromAudio(string name, AudioBuffer audio, double[] beats, IBeatFeatureExtractor features)
    {
        var x = features.Compute(audio);
        int frames = x.Length / features.Bands;
        return new FewShotTrack(name, x, frames, beats, BeatTargets.Create(beats, frames, features.FramesPerSecond));
    }
}
