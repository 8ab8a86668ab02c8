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

    private static (long bytes, float[] output) InferenceBytes(InferenceArenas? arenas, int calls)
    {
        var rng = new Rng(2);
        var model = new ConvGruNet(rng);
        model.Eval();
        var x = Tensor.Randn(rng, 8, 4, 256);
        float[] Infer()
        {
            using var _ = GradMode.Inference();
            using var step = arenas?.Step();
            return model.Forward(x).ToArray();
        }
        var first = Infer();
        for (int i = 0; i < 2; i++) Infer();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < calls; i++) Assert.Equal(first, Infer()); // recycled buffers give the same numbers
        return ((GC.GetTotalAllocatedBytes(precise: true) - before) / calls, first);
    }

    [Fact]
    public void InferenceArenasMakeRepeatedInferenceAllocationLight()
    {
        var (heap, expected) = InferenceBytes(null, 5);
        var (pooled, actual) = InferenceBytes(new InferenceArenas(), 5);
        Assert.Equal(expected, actual);
        Assert.True(pooled * 10 < heap, $"per call: {pooled} B with arenas vs {heap} B without");
    }

    [Fact]
    public void InferenceArenasServeConcurrentCallers()
    {
        var rng = new Rng(3);
        var model = new ConvGruNet(rng);
        model.Eval();
        var arenas = new InferenceArenas();
        var inputs = Enumerable.Range(0, 4).Select(i => Tensor.Randn(new Rng((ulong)(10 + i)), 2, 4, 32 + 8 * i)).ToArray();
        float[][] expected;
        using (GradMode.Inference()) expected = inputs.Select(x => model.Forward(x).ToArray()).ToArray();
        var results = new float[4][][];
        Parallel.For(0, 4, t =>
        {
            results[t] = new float[20][];
            for (int r = 0; r < 20; r++)
            {
                using var _ = GradMode.Inference();
                using var step = arenas.Step();
                results[t][r] = model.Forward(inputs[(t + r) % 4]).ToArray();
            }
        });
        for (int t = 0; t < 4; t++)
            for (int r = 0; r < 20; r++) Assert.Equal(expected[(t + r) % 4], results[t][r]);
    }
}
