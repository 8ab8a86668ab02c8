using Groove.Audio;
using Groove.Dsp;

namespace Groove.Rhythm;

/// <summary>
/// librosa's default beat tracker as a <see cref="IBeatTracker"/>: librosa's onset strength (log-mel flux at
/// 22.05 kHz, hop 512) → Ellis' dynamic programming (<see cref="EllisBeatDecoder"/>). No downbeats. Thread-safe.
/// </summary>
public sealed class EllisBeatTracker : IBeatTracker
{
    private const int SampleRate = SampleRates.Analysis, Hop = 512;

    public EllisBeatOptions Options { get; }
    public string Name => "ellis";

    public EllisBeatTracker(EllisBeatOptions? options = null) => Options = options ?? new EllisBeatOptions();

    /// <inheritdoc/>
    public BeatTrackingResult Track(AudioBuffer audio, IProgress<double>? progress = null, Action<string>? onWarning = null,
        CancellationToken cancellationToken = default)
    {
        const double fps = (double)SampleRate / Hop;
        var mono = AudioChecks.PrepareMono(audio, onWarning, out bool silent);
        if (silent) return new BeatTrackingResult([], 0, [], fps);
        var signal = audio.SampleRate == SampleRate ? mono : Resampler.Resample(mono, audio.SampleRate, SampleRate);
        if (signal.Length < 2048) { onWarning?.Invoke("the audio is too short to track beats"); return new BeatTrackingResult([], 0, [], fps); }
        var onset = OnsetStrength.Librosa(signal, SampleRate, Hop);
        progress?.Report(0.5);
        cancellationToken.ThrowIfCancellationRequested();
        var times = EllisBeatDecoder.Decode(onset, fps, Options);
        if (times.Length == 0) onWarning?.Invoke("no beats found");
        progress?.Report(1);
        float max = onset.Length > 0 ? onset.Max() : 0;
        var activation = max > 0 ? onset.Select(v => v / max).ToArray() : onset;
        return new BeatTrackingResult(times.Select(t => new Beat(t, 0)).ToArray(), ClassicalBeatTracker.TempoFromBeats(times), activation, fps);
    }
}
