using Groove.Audio;

namespace Groove.Rhythm.Learned;

/// <summary>
/// Beat and downbeat tracker from a <see cref="BeatNetModel"/>: the network's beat and downbeat activations decoded
/// jointly by the bar-pointer DBN (<see cref="DbnDownbeatDecoder"/>, the bar lengths saved with the model, by default 3 and 4 beats per bar), the tempo from the
/// network's tempo head (the most probable class, refined by a parabola through its neighbours) or, without one,
/// from the decoded beats. Calls are serialised (the model is not thread-safe).
/// </summary>
public sealed class BeatNetTracker : IBeatTracker
{
    private readonly BeatNetModel _model;
    private readonly DbnDownbeatDecoder _decoder;
    private readonly Lock _gate = new();

    /// <param name="model">The trained model.</param>
    /// <param name="name">Name in reports.</param>
    /// <param name="dbn">Decoder settings (default madmom's, with the model's bar lengths).</param>
    public BeatNetTracker(BeatNetModel model, string name, DbnDownbeatOptions? dbn = null)
    {
        _model = model;
        _decoder = new DbnDownbeatDecoder(model.Features.FramesPerSecond, dbn ?? new DbnDownbeatOptions { BeatsPerBar = model.BarLengths });
        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The DBN's input: per frame (beat that is not a downbeat, downbeat), interleaved, summing to at most 1.</summary>
    public static float[] DecoderInput(float[] beat, float[] downbeat)
    {
        var x = new float[2 * beat.Length];
        for (int t = 0; t < beat.Length; t++)
        {
            float b = Math.Clamp(beat[t], 1e-6f, 1f - 1e-6f);
            float d = Math.Min(Math.Clamp(downbeat[t], 1e-7f, 1f), b * 0.999f);
            x[2 * t] = b - d;
            x[2 * t + 1] = d;
        }
        return x;
    }

    /// <summary>The tempo (BPM) of a tempo distribution: the arg-max refined by a parabola; 0 for an empty one.</summary>
    public static double TempoOf(ReadOnlySpan<float> p)
    {
        if (p.Length < 3) return 0;
        int k = 1;
        for (int i = 1; i < p.Length; i++) if (p[i] > p[k]) k = i;
        if (k == 0 || k == p.Length - 1) return k;
        double a = p[k - 1], b = p[k], c = p[k + 1], den = a - 2 * b + c;
        return den < 0 ? k + 0.5 * (a - c) / den : k;
    }

    /// <inheritdoc/>
    public BeatTrackingResult Track(AudioBuffer audio, IProgress<double>? progress = null, Action<string>? onWarning = null,
        CancellationToken cancellationToken = default)
    {
        var features = _model.Features.Compute(audio);
        float[] beat, down;
        float[]? tempo;
        lock (_gate) (beat, down, tempo) = _model.Predict(features);
        progress?.Report(0.5);
        var beats = beat.Length == 0 ? [] : _decoder.Decode(DecoderInput(beat, down), cancellationToken);
        progress?.Report(1);
        var fromBeats = BeatTrackingResult.FromBeatTimes(beats.Select(b => b.Time).ToArray(), beat, _model.Features.FramesPerSecond);
        double bpm = tempo is null ? fromBeats.Tempo : TempoOf(tempo);
        return new BeatTrackingResult(beats, bpm, beat, _model.Features.FramesPerSecond);
    }
}
