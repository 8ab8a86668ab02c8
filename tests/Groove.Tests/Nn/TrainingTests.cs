using Groove.Nn;
using Groove.Tests.Support;
using F = Groove.Nn.Functional;

namespace Groove.Tests.Nn;

public class TrainingTests
{
    /// <summary>Two classes of 1-D signals in noise: a slow or a fast sinusoid (random phase).</summary>
    private static (Tensor X, int[] Y) SineBatch(Rng rng, int n, int len = 64)
    {
        var x = Tensor.Zeros(n, 1, len);
        var y = new int[n];
        var xs = x.Span;
        for (int i = 0; i < n; i++)
        {
            y[i] = rng.NextInt(2);
            double f = y[i] == 0 ? 2.0 / len : 7.0 / len, ph = rng.NextDouble() * 2 * Math.PI;
            for (int t = 0; t < len; t++) xs[i * len + t] = (float)(Math.Sin(2 * Math.PI * f * t + ph) + 0.5 * rng.NextNormal());
        }
        return (x, y);
    }

    private sealed class SmallCnn : Module
    {
        private readonly Sequential _features;
        private readonly Linear _head;
        public SmallCnn(Rng rng)
        {
            _features = RegisterModule("features", new Sequential(
                new Conv1d(1, 8, 5, rng, padding: 2), new BatchNorm1d(8), Activation.Relu(),
                new Conv1d(8, 8, 3, rng, dilation: 2, mode: ConvPadMode.Same), Activation.Relu()));
            _head = RegisterModule("head", new Linear(8, 2, rng));
        }
        public override Tensor Forward(Tensor x) =>
            _head.Forward(F.AdaptiveAvgPool1d(F.MaxPool1d(_features.Forward(x), 2), 1).Flatten(1));
    }

    [Fact]
    public void SmallCnnSeparatesTwoClasses()
    {
        var rng = new Rng(42);
        var model = new SmallCnn(rng);
        var opt = new Adam(model, lr: 1e-2f);
        for (int step = 0; step < 60; step++)
        {
            var (x, y) = SineBatch(rng, 32);
            var loss = F.CrossEntropy(model.Forward(x), y);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
        }
        model.Eval();
        var (tx, ty) = SineBatch(new Rng(999), 200);
        using var _ = GradMode.Inference();
        var logits = model.Forward(tx);
        int correct = 0;
        for (int i = 0; i < ty.Length; i++) correct += (logits[i, 1] > logits[i, 0] ? 1 : 0) == ty[i] ? 1 : 0;
        Assert.True(correct >= 190, $"accuracy {correct}/200");
    }

    /// <summary>Noise with a few impulses; target 1 at each impulse.</summary>
    private static (Tensor X, Tensor Y) ImpulseBatch(Rng rng, int n, int len = 48)
    {
        var x = Tensor.Zeros(n, len, 1); var y = Tensor.Zeros(n, len, 1);
        var xs = x.Span; var ys = y.Span;
        for (int i = 0; i < n * len; i++) xs[i] = (float)(0.3 * rng.NextNormal());
        for (int i = 0; i < n; i++)
            for (int k = 0; k < 4; k++)
            {
                int t = rng.NextInt(len);
                xs[i * len + t] += 2.5f; ys[i * len + t] = 1f;
            }
        return (x, y);
    }

    [Fact]
    public void BiGruMarksImpulsesInNoise()
    {
        var rng = new Rng(7);
        var gru = new Gru(1, 8, rng, bidirectional: true);
        var head = new Linear(16, 1, rng);
        var parameters = gru.NamedParameters().Concat(head.NamedParameters("head.")).ToList();
        var opt = new Adam(new[] { new ParamGroup(parameters, 2e-2f) });
        var posWeight = Tensor.From([4f], 1);
        for (int step = 0; step < 80; step++)
        {
            var (x, y) = ImpulseBatch(rng, 16);
            var loss = F.BinaryCrossEntropyWithLogits(head.Forward(gru.Forward(x)), y, posWeight: posWeight);
            opt.ZeroGrad();
            loss.Backward();
            GradClip.ClipGlobalNorm(parameters.Select(p => p.Tensor), 5f);
            opt.Step();
        }
        var (tx, ty) = ImpulseBatch(new Rng(123), 32);
        using var _ = GradMode.Inference();
        var pred = head.Forward(gru.Forward(tx)).ToArray();
        var truth = ty.ToArray();
        int tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < pred.Length; i++)
        {
            bool p = pred[i] > 0, t = truth[i] > 0.5f;
            if (p && t) tp++; else if (p) fp++; else if (t) fn++;
        }
        double fmeasure = 2.0 * tp / Math.Max(2 * tp + fp + fn, 1);
        Assert.True(fmeasure > 0.9, $"F = {fmeasure:F3} (tp {tp}, fp {fp}, fn {fn})");
    }

    private sealed class ResumeNet : Module
    {
        private readonly Linear _a, _b;
        private readonly BatchNorm1d _bn;
        private readonly Dropout _drop;
        public ResumeNet(Rng init, Rng dropoutRng)
        {
            _a = RegisterModule("a", new Linear(6, 16, init));
            _bn = RegisterModule("bn", new BatchNorm1d(16));
            _drop = RegisterModule("drop", new Dropout(0.2f, dropoutRng));
            _b = RegisterModule("b", new Linear(16, 3, init));
        }
        public override Tensor Forward(Tensor x) => _b.Forward(_drop.Forward(F.Gelu(_bn.Forward(_a.Forward(x)))));
    }

    /// <summary>Trains with data, dropout, BatchNorm stats, AdamW and a schedule; optionally checkpoints and resumes at <paramref name="stopAt"/>.</summary>
    private static float[] Train(int steps, int? stopAt, string? checkpoint)
    {
        var dataRng = new Rng(5); var dropRng = new Rng(6);
        var model = new ResumeNet(new Rng(4), dropRng);
        var opt = Adam.AdamW(model, lr: 1e-2f, weightDecay: 0.05f);
        var sched = new WarmupCosineSchedule(3, steps);
        for (int step = 0; step < steps; step++)
        {
            if (step == stopAt)
            {
                TrainingCheckpoint.Save(checkpoint!, model, opt, new Dictionary<string, Rng> { ["data"] = dataRng, ["dropout"] = dropRng });
                // Fresh objects with different seeds: everything must come from the checkpoint.
                dataRng = new Rng(50); dropRng = new Rng(60);
                model = new ResumeNet(new Rng(40), dropRng);
                opt = Adam.AdamW(model, lr: 1e-2f, weightDecay: 0.05f);
                TrainingCheckpoint.Load(checkpoint!, model, opt, new Dictionary<string, Rng> { ["data"] = dataRng, ["dropout"] = dropRng });
            }
            opt.SetLrFactor(sched.Factor(opt.StepCount));
            var x = Tensor.Randn(dataRng, 8, 6);
            var y = Enumerable.Range(0, 8).Select(_ => dataRng.NextInt(3)).ToArray();
            var loss = F.CrossEntropy(model.Forward(x), y);
            opt.ZeroGrad();
            loss.Backward();
            GradClip.ClipGlobalNorm(model.Parameters(), 1f);
            opt.Step();
        }
        return model.NamedParameters().Concat(model.NamedBuffers()).SelectMany(p => p.Tensor.ToArray()).ToArray();
    }

    [Fact]
    public void ResumeFromCheckpointMatchesUninterruptedTrainingBitForBit()
    {
        using var dir = new TempDir();
        var straight = Train(10, null, null);
        var resumed = Train(10, 4, dir.File("ckpt.safetensors"));
        Assert.Equal(straight.Length, resumed.Length);
        for (int i = 0; i < straight.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(straight[i]), BitConverter.SingleToInt32Bits(resumed[i]));
        // And training did change the weights (the comparison is not vacuous).
        var init = new ResumeNet(new Rng(4), new Rng(6)).NamedParameters().SelectMany(p => p.Tensor.ToArray()).ToArray();
        Assert.NotEqual(init[0], straight[0]);
    }

    [Fact]
    public void SameSeedGivesIdenticalTraining()
    {
        var a = Train(5, null, null);
        var b = Train(5, null, null);
        Assert.Equal(a, b);
    }
}
