using Groove.Nn;

namespace Groove.EngineBench;

/// <summary>
/// One branch of Zero-Note Samba (Desblancs, Lostanlen &amp; Hennequin, "Zero-Note Samba: Self-Supervised Beat
/// Tracking", IEEE/ACM TASLP 2023) at width 1/4 (16 channels), as reconstructed in bench/engine/README.md: a 2-D
/// convolutional front-end that pools the 96 mel bands away, then a stack of dilated 1-D residual convolutions
/// over time, then a 1×1 convolution to one beat activation per frame. Same model as torch_bench.py.
/// </summary>
sealed class ZeroNsBranch
{
    const int Width = 16, TcnLayers = 8;
    readonly Params _p = new(11);
    readonly Tensor _c1w, _c1b, _c2w, _c2b, _c3w, _c3b, _c4w, _c4b, _ow, _ob;
    readonly Tensor[] _tw, _tb;

    public ZeroNsBranch()
    {
        _c1w = _p.New(9, Width, 1, 3, 3); _c1b = _p.New(9, Width);
        _c2w = _p.New(9 * Width, Width, Width, 3, 3); _c2b = _p.New(9 * Width, Width);
        _c3w = _p.New(9 * Width, Width, Width, 3, 3); _c3b = _p.New(9 * Width, Width);
        _c4w = _p.New(3 * Width, Width, Width, 3, 1); _c4b = _p.New(3 * Width, Width);
        _tw = new Tensor[TcnLayers]; _tb = new Tensor[TcnLayers];
        for (int i = 0; i < TcnLayers; i++)
        {
            _tw[i] = _p.New(5 * Width, Width, Width, 5);
            _tb[i] = _p.New(5 * Width, Width);
        }
        _ow = _p.New(Width, 1, Width, 1); _ob = _p.New(Width, 1);
    }

    public Tensor Input() => _p.Input(16, 1, 96, 313);

    public Tensor Forward(Tensor x)
    {
        var pad1 = ConvPadding.Symmetric(1, 1);
        x = Functional.MaxPool2d(Functional.Elu(Functional.Conv2d(x, _c1w, _c1b, padding: pad1)), (3, 1));
        x = Functional.MaxPool2d(Functional.Elu(Functional.Conv2d(x, _c2w, _c2b, padding: pad1)), (3, 1));
        x = Functional.MaxPool2d(Functional.Elu(Functional.Conv2d(x, _c3w, _c3b, padding: pad1)), (3, 1));
        x = Functional.Elu(Functional.Conv2d(x, _c4w, _c4b)).Squeeze(2);
        for (int i = 0; i < TcnLayers; i++)
        {
            int d = 1 << i;
            x = x + Functional.Elu(Functional.Conv1d(x, _tw[i], _tb[i], padding: 2 * d, dilation: d));
        }
        return Functional.Conv1d(x, _ow, _ob);
    }

    public void Step(Tensor x)
    {
        _p.ZeroGrad();
        Forward(x).Sum().Backward();
    }
}
