using Groove.Nn;

namespace Groove.Tonality.Stone;

/// <summary>
/// Halves the time axis of [N, C, F, T] with a (1×3, stride 1×2) convolution, after a channels-first LayerNorm
/// (skipped for a one-channel input). Frequency bins are untouched, so pitch equivariance is kept.
/// </summary>
internal sealed class TimeDownsampling : Module
{
    private readonly LayerNorm? _norm;
    private readonly Conv2d _conv;

    public TimeDownsampling(int inChannels, int outChannels, Rng rng)
    {
        if (inChannels > 1) _norm = RegisterModule("norm", new LayerNorm(inChannels, eps: 1e-6f, axis: 1));
        _conv = RegisterModule("conv", new Conv2d(inChannels, outChannels, (1, 3), rng, stride: (1, 2), padding: (0, 1)));
    }

    public override Tensor Forward(Tensor x) => _conv.Forward(_norm?.Forward(x) ?? x);
}
