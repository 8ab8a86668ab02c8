using Groove.Nn;

namespace Groove.EngineBench;

/// <summary>
/// The 10-layer BiGRU workload through the engine's public API: <see cref="Gru"/>(256, 20, numLayers: 10,
/// bidirectional, batch-first) on [64, 430, 256], forward, Σ output, backward. Same model as torch_bench.py.
/// </summary>
sealed class GruModuleBench
{
    readonly Gru _gru;
    readonly Tensor _x;

    public GruModuleBench()
    {
        var rng = new Rng(14);
        _gru = new Gru(BiGruStack.InputSize, BiGruStack.Hidden, rng, numLayers: BiGruStack.Layers, bidirectional: true,
            batchFirst: true);
        _x = Tensor.Randn(rng, BiGruStack.Batch, BiGruStack.Steps, BiGruStack.InputSize);
    }

    public void Step()
    {
        _gru.ZeroGrad();
        _gru.Forward(_x).Sum().Backward();
    }
}
