using Groove.Nn;

namespace Groove.Tonality.Stone;

/// <summary>
/// ConvNeXt block (Liu et al., "A ConvNet for the 2020s", CVPR 2022) on [N, C, F, T]: depthwise k×k convolution,
/// channels-first LayerNorm, pointwise MLP C → 4C → C with GELU, layer scale, drop path, residual.
/// </summary>
internal sealed class ConvNeXtBlock : Module
{
    private readonly Conv2d _depthwise;
    private readonly LayerNorm _norm;
    private readonly Conv2d _expand;
    private readonly Conv2d _project;
    private readonly Tensor _gamma;
    private readonly DropPath _dropPath;

    public ConvNeXtBlock(int channels, int kernel, float layerScaleInit, float dropPath, Rng rng)
    {
        _depthwise = RegisterModule("dwconv", new Conv2d(channels, channels, (kernel, kernel), rng, padding: (kernel / 2, kernel / 2), groups: channels));
        _norm = RegisterModule("norm", new LayerNorm(channels, eps: 1e-6f, axis: 1));
        _expand = RegisterModule("pwconv1", new Conv2d(channels, 4 * channels, (1, 1), rng));
        _project = RegisterModule("pwconv2", new Conv2d(4 * channels, channels, (1, 1), rng));
        _gamma = RegisterParameter("gamma", Tensor.Full(layerScaleInit, channels, 1, 1));
        _dropPath = RegisterModule("drop_path", new DropPath(dropPath, rng));
    }

    public override Tensor Forward(Tensor x)
    {
        var h = _depthwise.Forward(x);
        h = _norm.Forward(h);
        h = Functional.Gelu(_expand.Forward(h));
        h = _project.Forward(h) * _gamma;
        return x + _dropPath.Forward(h);
    }
}
