using Groove.Nn;

namespace Groove.Rhythm.ZeroNoteSamba;

/// <summary>
/// Zero-Note Samba's synchrony-prediction network (Desblancs, Lostanlen &amp; Hennequin, TASLP 2023): two branches of
/// the same shape, one reading the percussive part's log-VQT, the other the non-percussive part's. In the pretext task
/// their frame-wise outputs on the same window must be more alike (cosine) than those on other windows; downstream,
/// the element-wise maximum of the two is the beat activation.
/// </summary>
public sealed class SyncPredNet : Module
{
    /// <summary>The network's shape.</summary>
    public SyncPredNetConfig Config { get; }
    /// <summary>Branch reading the percussive part (the paper's "positive").</summary>
    public SyncPredBranch Percussive { get; }
    /// <summary>Branch reading the non-percussive part (the paper's "anchor").</summary>
    public SyncPredBranch NonPercussive { get; }

    /// <summary>A freshly initialised network; the same seed gives the same weights.</summary>
    public SyncPredNet(SyncPredNetConfig config, Rng rng)
    {
        Config = config;
        NonPercussive = RegisterModule("nonpercussive", new SyncPredBranch(config, rng));
        Percussive = RegisterModule("percussive", new SyncPredBranch(config, rng));
    }

    /// <summary>Combined activation: max of the branches' sigmoid outputs, [N, frames].</summary>
    public Tensor Combined(Tensor percussive, Tensor nonPercussive) =>
        Tensor.Maximum(Percussive.Forward(percussive), NonPercussive.Forward(nonPercussive));
}
