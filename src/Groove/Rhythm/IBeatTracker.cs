using Groove.Audio;

namespace Groove.Rhythm;

/// <summary>Finds beats (and, where it can, downbeats) in audio. Implementations are thread-safe.</summary>
public interface IBeatTracker
{
    /// <summary>Short name used on the command line (<c>--model NAME</c>) and in reports.</summary>
    string Name { get; }

    /// <param name="audio">Any sample rate and channel count.</param>
    /// <param name="progress">Receives values in [0, 1] as work proceeds (may be null).</param>
    /// <param name="onWarning">Receives one-line warnings (silence, very short input...) (may be null).</param>
    /// <param name="cancellationToken">Stops the work with an <see cref="OperationCanceledException"/>.</param>
    BeatTrackingResult Track(AudioBuffer audio, IProgress<double>? progress = null, Action<string>? onWarning = null,
        CancellationToken cancellationToken = default);
}

/// <summary>What a beat tracker found.</summary>
/// <param name="Beats">Beats in time order; BeatInBar is 1 on downbeats, 0 where bar position is unknown.</param>
/// <param name="Tempo">Global tempo in BPM (0 when there are too few beats).</param>
/// <param name="Activation">Beat activation per frame (may be empty), at <paramref name="FramesPerSecond"/>.</param>
/// <param name="FramesPerSecond">Frame rate of <paramref name="Activation"/>.</param>
public sealed record BeatTrackingResult(IReadOnlyList<Beat> Beats, double Tempo, float[] Activation, double FramesPerSecond)
{
    /// <summary>
    /// The tracker's periodicity analysis of its activation (global tempo, the MIREX pair of the two most salient
    /// tempi, local tempo), when it makes one (the classical tracker does); null otherwise. <see cref="MirexTempo"/>
    /// turns it and <see cref="Tempo"/> into the "t1 t2 weight" triple.
    /// </summary>
    public TempoEstimate? TempoEstimate { get; init; }

    /// <summary>
    /// The result of a tracker that decodes beat times only (no bar positions): every beat has BeatInBar 0 and the
    /// tempo is 60 / the median inter-beat interval (0 with fewer than two beats).
    /// </summary>
    public static BeatTrackingResult FromBeatTimes(double[] times, float[] activation, double framesPerSecond)
    {
        double tempo = 0;
        if (times.Length > 1)
        {
            var intervals = new double[times.Length - 1];
            for (int i = 1; i < times.Length; i++) intervals[i - 1] = times[i] - times[i - 1];
            Array.Sort(intervals);
            tempo = 60 / intervals[intervals.Length / 2];
        }
        return new BeatTrackingResult(times.Select(t => new Beat(t, 0)).ToList(), tempo, activation, framesPerSecond);
    }
}
