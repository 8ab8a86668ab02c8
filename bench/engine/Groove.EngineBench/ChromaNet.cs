using Groove.Nn;

namespace Groove.EngineBench;

/// <summary>
/// ChromaNet of STONE (Kong, Meseguer-Brocal, Lostanlen, Lagrange &amp; Hennequin, "STONE: Self-supervised
/// Tonality Estimator", ISMIR 2024) as reconstructed in bench/engine/README.md: a 4×4/4 patchify stem and seven
/// ConvNeXt stages (Liu et al., CVPR 2022: depthwise 7×7, LayerNorm, 1×1 expand ×4, GELU, 1×1 project, residual)
/// over a CQT (84 bins), three of them preceded by a LayerNorm + 2×2/2 downsampling convolution, then global
/// average pooling, LayerNorm and a 12-way linear head. Same model as torch_bench.py.
/// </summary>
sealed class ChromaNet
{
    static readonly int[] Channels = [16, 16, 32, 32, 64, 64, 64];
    static readonly bool[] Down = [false, false, true, false, true, false, true];

    readonly Params _p = new(12);
    readonly Tensor _stemW, _stemB, _stemLnW, _stemLnB, _headLnW, _headLnB, _headW, _headB;
    readonly List<Stage> _stages = [];

    sealed record Stage(Tensor? DownLnW, Tensor? DownLnB, Tensor? DownW, Tensor? DownB, Tensor DwW, Tensor DwB,
        Tensor LnW, Tensor LnB, Tensor Pw1W, Tensor Pw1B, Tensor Pw2W, Tensor Pw2B);

    public ChromaNet()
    {
        _stemW = _p.New(16, Channels[0], 1, 4, 4); _stemB = _p.New(16, Channels[0]);
        _stemLnW = Ones(Channels[0]); _stemLnB = Zeros(Channels[0]);
        int prev = Channels[0];
        for (int s = 0; s < Channels.Length; s++)
        {
            int c = Channels[s];
            Tensor? dlw = null, dlb = null, dw = null, db = null;
            if (Down[s])
            {
                dlw = Ones(prev); dlb = Zeros(prev);
                dw = _p.New(4 * prev, c, prev, 2, 2); db = _p.New(4 * prev, c);
            }
            _stages.Add(new Stage(dlw, dlb, dw, db, _p.New(49, c, 1, 7, 7), _p.New(49, c), Ones(c), Zeros(c),
                _p.New(c, 4 * c, c), _p.New(c, 4 * c), _p.New(4 * c, c, 4 * c), _p.New(4 * c, c)));
            prev = c;
        }
        _headLnW = Ones(prev); _headLnB = Zeros(prev);
        _headW = _p.New(prev, 12, prev); _headB = _p.New(prev, 12);
    }

    Tensor Ones(int c) { var t = Tensor.Ones(c); t.RequiresGrad = true; return t; }
    Tensor Zeros(int c) { var t = Tensor.Zeros(c); t.RequiresGrad = true; return t; }

    public Tensor Input() => _p.Input(32, 1, 84, 646);

    static Tensor LayerNormChannelsFirst(Tensor x, Tensor w, Tensor b) =>
        Functional.LayerNormLast(x.Permute(0, 2, 3, 1), 1, w, b, 1e-6f).Permute(0, 3, 1, 2);

    public Tensor Forward(Tensor x)
    {
        x = Functional.Conv2d(x, _stemW, _stemB, stride: (4, 4));
        x = LayerNormChannelsFirst(x, _stemLnW, _stemLnB);
        foreach (var s in _stages)
        {
            if (s.DownW != null)
            {
                x = LayerNormChannelsFirst(x, s.DownLnW!, s.DownLnB!);
                x = Functional.Conv2d(x, s.DownW, s.DownB, stride: (2, 2));
            }
            int c = s.DwW.Dim(0);
            var y = Functional.Conv2d(x, s.DwW, s.DwB, padding: ConvPadding.Symmetric(3, 3), groups: c).Permute(0, 2, 3, 1);
            y = Functional.LayerNormLast(y, 1, s.LnW, s.LnB, 1e-6f);
            y = Functional.Linear(Functional.Gelu(Functional.Linear(y, s.Pw1W, s.Pw1B)), s.Pw2W, s.Pw2B);
            x = x + y.Permute(0, 3, 1, 2);
        }
        x = x.Mean([2, 3]);
        return Functional.Linear(Functional.LayerNormLast(x, 1, _headLnW, _headLnB, 1e-6f), _headW, _headB);
    }

    public void Step(Tensor x)
    {
        _p.ZeroGrad();
        Forward(x).Sum().Backward();
    }
}
