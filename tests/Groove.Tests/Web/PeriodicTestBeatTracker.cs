using Groove.Audio;
using Groove.Rhythm;

namespace Groove.Tests.Web;

/// <summary>
/// TEST CODE ONLY, not a beat tracker: "finds" beats at a fixed tempo from 0.5 s on, every fourth a downbeat, so the
/// web app can be tested before (and independently of) the real trackers. Reports progress in ten steps, taking
/// <paramref name="stepDelay"/> per step to make queues and progress observable.
/// </summary>
/// <param name="gate">When given, tracking waits halfway for it to be set, so a test can watch a job mid-way.</param>
internal sealed class PeriodicTestBeatTracker(double bpm = 120, TimeSpan stepDelay = default, ManualResetEventSlim? gate = null) : IBeatTracker
{
    private int _running;
    private int _maxRunning;

    public string Name => "periodic-test";

    /// <summary>The most calls to <see cref="Track"/> that ran at the same time.</summary>
    public int MaxConcurrentCalls => Volatile.Read(ref _maxRunning);

    public BeatTrackingResult Track(AudioBuffer audio, IProgress<double>? progress = null, Action<string>? onWarning = null,
        CancellationToken cancellationToken = default)
    {
        int running = Interlocked.Increment(ref _running);
        for (int seen = Volatile.Read(ref _maxRunning); running > seen; seen = Volatile.Read(ref _maxRunning))
            if (Interlocked.CompareExchange(ref _maxRunning, running, seen) == seen) break;
        try
        {
            for (int step = 1; step <= 10; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (step == 6) gate?.Wait(cancellationToken);
                if (stepDelay > TimeSpan.Zero) Thread.Sleep(stepDelay);
                progress?.Report(step / 10.0);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
        var beats = new List<Beat>();
        double period = 60 / bpm;
        int i = 0;
        for (double t = 0.5; t < audio.Duration; t += period, i++)
            beats.Add(new Beat(t, i % 4 + 1));
        return new BeatTrackingResult(beats, bpm, [], 0);
    }
}
