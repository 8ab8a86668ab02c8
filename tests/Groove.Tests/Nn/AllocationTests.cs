using Groove.Nn;
using F = Groove.Nn.Functional;

namespace Groove.Tests.Nn;

[CollectionDefinition("Nn allocation", DisableParallelization = true)]
public class NnAllocationCollection;

/// <summary>Runs alone (no parallel tests) so that process-wide allocation counts belong to it.</summary>
[Collection("Nn allocation")]
public class AllocationTests
{
    private sealed class ConvGruNet : Module
    {
        private readonly Conv1d _conv;
        private readonly BatchNorm1d _bn;
        private readonly Gru _gru;
        private readonly Linear _head;
        public ConvGruNet(Rng rng)
        {
            _conv = RegisterModule("conv", new Conv1d(4, 16, 3, rng, padding: 1));
            _bn = RegisterModule("bn", new BatchNorm1d(16));
            _gru = RegisterModule("gru", new Gru(16, 16, rng, bidirectional: true));
            _head = RegisterModule("head", new Linear(32, 3, rng));
        }
        public override Tensor Forward(Tensor x) =>
            _head.Forward(_gru.Forward(F.Gelu(_bn.Forward(_conv.Forward(x))).Transpose(1, 2)).Mean(1));
    }

    private static long BytesPerStep(bool useArena, int steps)
    {
        var rng = new Rng(1);
        var model = new ConvGruNet(rng);
        var opt = Adam.AdamW(model, 1e-3f);
        var arena = new TensorArena();
        var x = Tensor.Randn(rng, 8, 4, 64);
        int[] y = [0, 1, 2, 0, 1, 2, 0, 1];
        void Step()
        {
            using var scope = useArena ? arena.Step() : null;
            var loss = F.CrossEntropy(model.Forward(x), y);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
        }
        for (int i = 0; i < 3; i++) Step(); // warm-up: pools filled, gradients and optimiser state allocated
        long before = GC.GetTotalAllocatedBytes(precise: true); // all threads: the BiGRU runs its directions concurrently
        for (int i = 0; i < steps; i++) Step();
        return (GC.GetTotalAllocatedBytes(precise: true) - before) / steps;
    }

    [Fact]
    public void ArenaMakesSteadyTrainingStepsAllocationLight()
    {
        long heap = BytesPerStep(false, 5);
        long pooled = BytesPerStep(true, 5);
        // The float buffers dominate without the arena; with it only small bookkeeping objects remain.
        Assert.True(pooled * 20 < heap, $"per step: {pooled} B with arena vs {heap} B without");
    }
}
