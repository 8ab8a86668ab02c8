using Groove.Nn;

namespace Groove.EngineBench;

/// <summary>
/// One branch of Zero-Note Samba's SyncPredNet at full size (Desblancs, Lostanlen &amp; Hennequin, "Zero-Note Samba:
/// Self-Supervised Beat Tracking", IEEE/ACM TASLP 2023), the network issue 14 asks for: eight 'same' 2-D
/// convolutions over a 96-bin VQT, kernels (3,11), (7,13), (5,15), (9,17), (3,19), (5,21), (1,23), (1,25) and
/// 1→64→64→128→128→256→256→128→128 channels, max-pooling over frequency by 3, 4 and 8 after the 2nd, 4th and 6th
/// convolution (96 → 32 → 8 → 1 bands), ReLU after every convolution, then a 1×1 convolution to one activation per
/// frame. Dropout is left out (it does not change the arithmetic to time). Same model as torch_bench.py.
/// </summary>
sealed class ZeroNsBranch
{
    readonly InferenceArenas _inference = new();
    static readonly (int cout, int kh, int kw, int pool)[] Layers =
        [(64, 3, 11, 1), (64, 7, 13, 3), (128, 5, 15, 1), (128, 9, 17, 4), (256, 3, 19, 1), (256, 5, 21, 8), (128, 1, 23, 1), (128, 1, 25, 1)];

    readonly Params _p = new(11);
    readonly Tensor[] _w = new Tensor[Layers.Length], _b = new Tensor[Layers.Length];
    readonly Tensor _ow, _ob;
    readonly int _batch;

    /// <param name="batch">Windows per step (the pretext task uses 16).</param>
    public ZeroNsBranch(int batch)
    {
        _batch = batch;
        int cin = 1;
        for (int i = 0; i < Layers.Length; i++)
        {
            var (cout, kh, kw, _) = Layers[i];
            _w[i] = _p.New(cin * kh * kw, cout, cin, kh, kw);
            _b[i] = _p.New(cin * kh * kw, cout);
            cin = cout;
        }
        _ow = _p.New(cin, 1, cin, 1); _ob = _p.New(cin, 1);
    }

    public Tensor Input() => _p.Input(_batch, 1, 96, 313);

    public Tensor Forward(Tensor x)
    {
        for (int i = 0; i < Layers.Length; i++)
        {
            var (_, kh, kw, pool) = Layers[i];
            x = Functional.Conv2d(x, _w[i], _b[i], padding: ConvPadding.Symmetric(kh / 2, kw / 2));
            if (pool > 1) x = Functional.MaxPool2d(x, (pool, 1));
            x = Functional.Relu(x);
        }
        return Functional.Conv1d(x.Squeeze(2), _ow, _ob);
    }

    readonly TensorArena _arena = new();

    /// <summary>One training step (its buffers from a <see cref="TensorArena"/>, as in the trainers).</summary>
    public void Step(Tensor x)
    {
        using var scope = _arena.Step();
        _p.ZeroGrad();
        Forward(x).Sum().Backward();
    }

    public void Infer(Tensor x)
    {
        using var _ = GradMode.NoGrad();
        using var step = _inference.Step(); // buffers recycled, as the models' inference calls run
        Forward(x);
    }
}
