using Groove.Audio;

namespace Groove.Rhythm.ZeroNoteSamba;

/// <summary>
/// Unsupervised beat tracking after Zero-Note Samba (Desblancs et al., TASLP 2023): HPSS → both branches of a
/// pretrained <see cref="SyncPredNet"/> → element-wise maximum → DBN decoding (<see cref="DbnBeatDecoder"/>,
/// 55–215 BPM at 62.5 frames per second). No labels are used anywhere. Calls are serialised (the network is not
/// thread-safe).
/// </summary>
public sealed class ZeroNsBeatTracker : IBeatTracker
{
    private readonly ZeroNsModel _model;
    private readonly DbnBeatDecoder _decoder;
    private readonly Lock _gate = new();

    /// <summary>Tracks beats with <paramref name="model"/>, reported as <paramref name="name"/>.</summary>
    public ZeroNsBeatTracker(ZeroNsModel model, string name = "zerons", DbnBeatOptions? dbn = null)
    {
        _model = model;
        _decoder = new DbnBeatDecoder(ZeroNsFrontEnd.FrameRate, dbn);
        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public BeatTrackingResult Track(AudioBuffer audio, IProgress<double>? progress = null, Action<string>? onWarning = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        float[] activation;
        lock (_gate) activation = _model.Activation(audio, cancellationToken);
        progress?.Report(0.7);
        for (int i = 0; i < activation.Length; i++) activation[i] = Math.Clamp(activation[i], 0f, 1f - 1e-6f);
        var times = activation.Length > 1 ? _decoder.Decode(activation, cancellationToken) : [];
        progress?.Report(1);
        return BeatTrackingResult.FromBeatTimes(times, activation, ZeroNsFrontEnd.FrameRate);
    }
}
