using Groove.Audio;
using Groove.IO.Annotations;
using Groove.Rhythm.Learned;

namespace Groove.Training.Beats;

/// <summary>One labelled clip: its features <c>[frames × bands]</c> and its beats (with bar positions).</summary>
/// <param name="Name">File name stem.</param>
/// <param name="Features">Frame-major features.</param>
/// <param name="Frames">Frames.</param>
/// <param name="Beats">Reference beats.</param>
public sealed record BeatClip(string Name, float[] Features, int Frames, IReadOnlyList<Beat> Beats);

/// <summary>
/// Labelled clips of dataset folders (<c>DIR/audio/NAME.wav</c> with <c>DIR/beats/NAME.beats</c>, the layout of
/// <c>groove corpus render</c>'s splits and of the dev sets), their features computed once.
/// </summary>
public static class BeatTrainingData
{
    /// <summary>Loads up to <paramref name="max"/> clips (0 = all; spread evenly over the name order) of <paramref name="folder"/>.</summary>
    /// <param name="folder">The dataset folder.</param>
    /// <param name="features">The model's features.</param>
    /// <param name="max">At most this many clips (0 = all).</param>
    /// <param name="warn">Told about a clip that cannot be read (it is skipped).</param>
    /// <param name="progress">Told (clips loaded, total).</param>
    /// <param name="ct">Stops loading.</param>
    /// <exception cref="GrooveException">The folder has no audio with beats.</exception>
    public static List<BeatClip> Load(string folder, IBeatFeatureExtractor features, int max, Action<string> warn, Action<int, int>? progress,
        CancellationToken ct)
    {
        var audioDir = Path.Combine(folder, "audio");
        if (!Directory.Exists(audioDir)) throw new GrooveException($"{folder}: no audio/ folder (a dataset folder has audio/NAME.wav and beats/NAME.beats)");
        var pairs = Directory.GetFiles(audioDir).Order(StringComparer.Ordinal)
            .Select(a => (Audio: a, Beats: Path.Combine(folder, "beats", Path.GetFileNameWithoutExtension(a) + ".beats")))
            .Where(p => File.Exists(p.Beats)).ToList();
        // At most max clips, spread evenly over the name order (so that every source prefix is represented).
        if (max > 0 && pairs.Count > max) pairs = Enumerable.Range(0, max).Select(i => pairs[(int)((long)i * pairs.Count / max)]).ToList();
        if (pairs.Count == 0) throw new GrooveException($"{folder}: no audio file has a beats file");
        var clips = new List<BeatClip>();
        foreach (var (audio, beats) in pairs)
        {
            if (ct.IsCancellationRequested) break;
            try
            {
                var x = features.Compute(AudioFile.Load(audio, new AudioLoadOptions { Mono = true }));
                clips.Add(new BeatClip(Path.GetFileNameWithoutExtension(audio), x, x.Length / features.Bands, BeatAnnotations.Read(beats)));
            }
            catch (GrooveException e) { warn($"{audio}: {e.Message}"); }
            progress?.Invoke(clips.Count, pairs.Count);
        }
        return clips;
    }
}
