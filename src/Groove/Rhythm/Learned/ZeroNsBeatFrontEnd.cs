using Groove.Nn;
using Groove.Rhythm.ZeroNoteSamba;

namespace Groove.Rhythm.Learned;

/// <summary>
/// Zero-Note Samba's synchrony-prediction network (<see cref="SyncPredNet"/>, small size; Desblancs, Lostanlen &amp;
/// Hennequin, "Zero-Note Samba: Self-supervised beat tracking", TASLP 2023) as the front end of a supervised beat
/// network: features <c>[B, T, 192]</c> (<see cref="ZeroNsBeatFeatures"/>: percussive then non-percussive log-VQT)
/// → both branches' last hidden layers and their output logits, concatenated per frame, <c>[B, 2·32 + 2, T]</c>.
/// Started from random weights or from a pretext-trained network (<see cref="LoadPretrained"/>), then fine-tuned with
/// the head or frozen (<see cref="Freeze"/>).
/// </summary>
public sealed class ZeroNsBeatFrontEnd : Module
{
    private readonly SyncPredNet _net;

    /// <param name="rng">Initial weights (and the branches' dropout masks afterwards).</param>
    public ZeroNsBeatFrontEnd(Rng rng)
    {
        _net = RegisterModule("zerons", new SyncPredNet(SyncPredNetConfig.Small, rng));
    }

    /// <summary>Channels per frame of <see cref="Forward"/>.</summary>
    public int Channels => _net.Percussive.HiddenChannels + _net.NonPercussive.HiddenChannels + 2;

    /// <summary><c>[B, T, 192]</c> → <c>[B, <see cref="Channels"/>, T]</c>.</summary>
    public override Tensor Forward(Tensor features)
    {
        int b = features.Dim(0), t = features.Dim(1), bins = ZeroNsFrontEnd.Bins;
        if (features.Rank != 3 || features.Dim(2) != 2 * bins)
            throw new ArgumentException($"the Zero-Note Samba front end expects [B, T, {2 * bins}], got {ShapeUtil.Str(features.Shape)}");
        var x = features.Reshape(b, t, 2, bins).Permute(0, 2, 3, 1);      // [B, 2, 96, T]; part 0 is percussive
        var hp = _net.Percussive.Hidden(x.Narrow(1, 0, 1).Contiguous());  // [B, C, 1, T]
        var hn = _net.NonPercussive.Hidden(x.Narrow(1, 1, 1).Contiguous());
        var lp = _net.Percussive.Head.Forward(hp);                         // [B, 1, 1, T]
        var ln = _net.NonPercussive.Head.Forward(hn);
        var h = Tensor.Concat([hp, hn, lp, ln], 1);
        return h.Reshape(b, Channels, t);
    }

    /// <summary>Copies a pretext-trained network's weights (it must be the small size).</summary>
    /// <exception cref="GrooveException">Another shape.</exception>
    public void LoadPretrained(SyncPredNet pretrained)
    {
        if (pretrained.Config.ToMetadata()["syncpred.layers"] != SyncPredNetConfig.Small.ToMetadata()["syncpred.layers"]
            || pretrained.Config.Bins != SyncPredNetConfig.Small.Bins)
            throw new GrooveException("the Zero-Note Samba start must be a small-size network (groove train zerons --size small)");
        using var _ = GradMode.NoGrad();
        var source = pretrained.StateDict();
        foreach (var (name, t) in _net.StateDict()) t.CopyFrom(source[name]);
    }

    /// <summary>Stops training the front end: its weights get no gradients.</summary>
    public void Freeze()
    {
        foreach (var p in Parameters()) p.RequiresGrad = false;
    }
}
