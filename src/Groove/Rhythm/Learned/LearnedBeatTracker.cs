using Groove.Audio;

namespace Groove.Rhythm.Learned;

/// <summary>
/// Beat tracker from a trained <see cref="IBeatActivationModel"/>: features → network activation → DBN decoding
/// (<see cref="DbnBeatDecoder"/>, Krebs, Böck &amp; Widmer, ISMIR 2015). Calls are serialised (the model is not
/// thread-safe).
/// </summary>
public sealed class LearnedBeatTracker : IBeatTracker
{
    private readonly IBeatActivationModel _model;
    private readonly DbnBeatDecoder _decoder;
    private readonly Lock _gate = new();

    /// <summary>Tracks beats with <paramref name="model"/>, decoding with <paramref name="dbn"/> options.</summary>
    public LearnedBeatTracker(IBeatActivationModel model, DbnBeatOptions? dbn = null, string? name = null)
    {
        _model = model;
        _decoder = new DbnBeatDecoder(model.Features.FramesPerSecond, dbn);
        Name = name ?? "learned-" + model.Kind;
    }

    /// <summary>A tracker from weights saved by a model's <c>Save</c>.</summary>
    public static LearnedBeatTracker Load(string path) =>
        new(BeatActivationModels.Factory(path)(0), name: "learned:" + Path.GetFileNameWithoutExtension(path));

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Beat activation of <paramref name="audio"/> at <c>Features.FramesPerSecond</c>.</summary>
    public float[] Activation(AudioBuffer audio)
    {
        var features = _model.Features.Compute(audio);
        lock (_gate) return _model.Predict(features, features.Length / _model.Features.Bands);
    }

    /// <inheritdoc/>
    public BeatTrackingResult Track(AudioBuffer audio, IProgress<double>? progress = null, Action<string>? onWarning = null,
        CancellationToken cancellationToken = default)
    {
        var activation = Activation(audio);
        progress?.Report(0.5);
        var times = _decoder.Decode(activation, cancellationToken);
        progress?.Report(1);
        return BeatTrackingResult.FromBeatTimes(times, activation, _model.Features.FramesPerSecond);
    }
}
