using Groove.Audio;
using Groove.Nn;

namespace Groove.Rhythm.ZeroNoteSamba;

/// <summary>
/// Unsupervised beat tracking after Zero-Note Samba (Desblancs et al., TASLP 2023): HPSS → a pretrained
/// <see cref="SyncPredNet"/> → an activation at 62.5 frames per second → DBN decoding (<see cref="DbnBeatDecoder"/>),
/// as <see cref="ZeroNsDecoding"/> says (the paper's: both branches' maximum, 55–215 BPM). No labels are used
/// anywhere. Calls are serialised (the network is not thread-safe).
/// </summary>
public sealed class ZeroNsBeatTracker : IBeatTracker
{
    private readonly ZeroNsModel _model;
    private readonly Lock _gate = new();

    /// <summary>Tracks beats with <paramref name="model"/>, reported as <paramref name="name"/>, decoded as
    /// <paramref name="decoding"/> says (default <see cref="ZeroNsDecoding.Paper"/>).</summary>
    public ZeroNsBeatTracker(ZeroNsModel model, string name = "zerons", ZeroNsDecoding? decoding = null)
    {
        _model = model;
        Decoding = decoding ?? ZeroNsDecoding.Paper;
        Name = name;
    }

    /// <summary>How activations become beats.</summary>
    public ZeroNsDecoding Decoding { get; }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public BeatTrackingResult Track(AudioBuffer audio, IProgress<double>? progress = null, Action<string>? onWarning = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        float[] percussive = [], nonPercussive = [], envelope = [];
        lock (_gate)
        {
            var (p, n, frames) = _model.Features(ZeroNsModel.Parts(audio, cancellationToken), cancellationToken);
            if (Decoding.NeedsPercussive) percussive = _model.Activation(p, n, frames, ZeroNsModel.ActivationSource.Percussive, cancellationToken);
            if (Decoding.NeedsNonPercussive) nonPercussive = _model.Activation(p, n, frames, ZeroNsModel.ActivationSource.NonPercussive, cancellationToken);
            if (Decoding.OnsetBlend != 0 && frames > 1) envelope = OnsetPhaseAnchor.Envelope(Tensor.Wrap(p, 1, 1, ZeroNsFrontEnd.Bins, frames));
        }
        progress?.Report(0.7);
        var (times, activation) = Decoding.Decode(percussive, nonPercussive, envelope, ZeroNsFrontEnd.FrameRate, cancellationToken);
        progress?.Report(1);
        return BeatTrackingResult.FromBeatTimes(times, activation, ZeroNsFrontEnd.FrameRate);
    }
}
