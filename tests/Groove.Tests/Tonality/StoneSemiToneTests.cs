using Groove.Audio;
using Groove.Nn;
using Groove.Tests.Nn;
using Groove.Tests.Support;
using Groove.Tonality;
using Groove.Tonality.Stone;
using Groove.Training.Stone;

namespace Groove.Tests.Tonality;

public class StoneSemiToneTests
{
    private static readonly ChromaNetConfig Tiny = new() { Width = 4, Stages = 2, Kernel = 3 };

    /// <summary>Scaled CQT of a harmonic tone at a MIDI note.</summary>
    private static (float[] Cqt, int Frames) Tone(int midi, double seconds = 1)
    {
        double f = 440 * Math.Pow(2, (midi - 69) / 12.0);
        var y = new float[(int)(seconds * StoneFrontEnd.SampleRate)];
        for (int i = 0; i < y.Length; i++)
            for (int h = 1; h <= 3; h++) y[i] += 0.2f / h * MathF.Sin((float)(2 * Math.PI * h * f * i / StoneFrontEnd.SampleRate));
        var cqt = StoneFrontEnd.Compute(y, out int frames);
        return (cqt, frames);
    }

    /// <summary>Class (bin mod 12) of the loudest bin of a [84, frames] crop, summed over time.</summary>
    private static int PeakClass(ReadOnlySpan<float> crop, int frames)
    {
        var e = new double[StoneFrontEnd.CropBins];
        for (int b = 0; b < StoneFrontEnd.CropBins; b++)
            for (int t = 0; t < frames; t++) e[b] += crop[b * frames + t];
        return Array.IndexOf(e, e.Max()) % 12;
    }

    [Theory]
    [InlineData(60, "C major")]   // C4, signature C
    [InlineData(69, "F# minor")]  // A4, signature A (F# minor's relative major)
    public void LabelledTargetsRotateWithTheCropOffsetLikeTheContent(int midi, string label)
    {
        var key = Groove.IO.Annotations.KeyNames.Parse(label)!.Value;
        var (cqt, frames) = Tone(midi);
        var data = new StoneLabelledData();
        Assert.True(data.Add("tone", cqt, frames, key, 8));
        var x = data.SampleBatch(new Rng(4), 40, 20, modes: 2, labelOffset: 0, out var targets);
        var all = x.ToArray();
        int plane = StoneFrontEnd.CropBins * 20;
        var seen = new HashSet<int>();
        for (int b = 0; b < targets.Length; b++)
        {
            Assert.Equal(key.Mode == KeyMode.Minor, targets[b] >= 12);
            int cls = targets[b] % 12;
            seen.Add(cls);
            // The tone's pitch class is the signature's tonic (C; A), bin 0 of the CQT is A0, and the target class is
            // (signature + 7 − offset) mod 12 while the crop's peak class is (note − 21 − offset) mod 12: the two move
            // together, 4 classes apart, whatever the offset.
            Assert.Equal(4, ((cls - PeakClass(all.AsSpan(b * plane, plane), 20)) % 12 + 12) % 12);
        }
        Assert.True(seen.Count >= 8, $"only {seen.Count} offsets drawn");
        // At the inference crop the class is the signature (plus the label offset).
        int sig = StoneLabelledData.Signature(key);
        Assert.Equal(sig + (key.Mode == KeyMode.Minor ? 12 : 0), StoneLabelledData.TargetIndex(key, StoneModel.InferenceCropOffset, 2, 0));
        Assert.Equal((sig + 5) % 12, StoneLabelledData.TargetIndex(key, StoneModel.InferenceCropOffset, 1, 5));
        // Raising the offset by one transposes the content down a semitone, and the class with it.
        Assert.Equal((sig + 11) % 12, StoneLabelledData.TargetIndex(key, StoneModel.InferenceCropOffset + 1, 1, 0));
    }

    [Fact]
    public void A24OutputNetworkGivesOneSoftmaxWhoseColumnsSumToTheSignatureProfile()
    {
        var rng = new Rng(3);
        var net = new ChromaNet(Tiny with { Modes = 2, Kernel = 1 }, rng);
        net.Eval();
        var x = Tensor.Uniform(rng, 0f, 1f, 3, 1, StoneFrontEnd.CropBins, 16);
        var y = net.Forward(x);
        Assert.Equal(new[] { 3, 24 }, y.ShapeArray);
        Assert.Equal(new[] { 3, 24 }, net.Logits(x).ShapeArray);
        var ksp = ChromaNet.SignatureProfile(y);
        var m = ChromaNet.MajorProbability(y);
        Assert.Equal(new[] { 3, 12 }, ksp.ShapeArray);
        Assert.Equal(new[] { 3 }, m.ShapeArray);
        for (int i = 0; i < 3; i++)
        {
            float total = 0, major = 0;
            for (int q = 0; q < 24; q++) { total += y[i, q]; if (q < 12) major += y[i, q]; }
            Assert.Equal(1f, total, 4);
            Assert.Equal(major, m[i], 5);
            for (int q = 0; q < 12; q++) Assert.Equal(y[i, q] + y[i, 12 + q], ksp[i, q], 6);
        }
        // A 12-output network's profile is its output.
        var net12 = new ChromaNet(Tiny, new Rng(3));
        var y12 = net12.Forward(x);
        Assert.Same(y12, ChromaNet.SignatureProfile(y12));
        Assert.Throws<ArgumentException>(() => ChromaNet.MajorProbability(y12));

        // Both columns rotate with a transposition (1×1 kernels make the network exactly equivariant to rolled bins).
        var rolled = new float[x.Size]; var src = x.ToArray();
        for (int n = 0; n < 3; n++)
            for (int b = 0; b < StoneFrontEnd.CropBins; b++)
                Array.Copy(src, (n * StoneFrontEnd.CropBins + b) * 16, rolled, (n * StoneFrontEnd.CropBins + (b + 5) % StoneFrontEnd.CropBins) * 16, 16);
        var yr = net.Forward(Tensor.Wrap(rolled, 3, 1, StoneFrontEnd.CropBins, 16));
        for (int c = 0; c < 2; c++)
            for (int q = 0; q < 12; q++) Assert.Equal(y[1, c * 12 + q], yr[1, c * 12 + (q + 5) % 12], 4);
    }

    [Fact]
    public void ModeLossGradientsMatchFiniteDifferences() =>
        GradCheck.Check(v => StoneLosses.ModeConsistencyLoss(v[0].Sigmoid(), v[1].Sigmoid(), v[2].Sigmoid()),
            [GradCheck.Rand(new Rng(1), 5), GradCheck.Rand(new Rng(2), 5), GradCheck.Rand(new Rng(3), 5)]);

    [Fact]
    public void SemiToneLossChainGradientsMatchFiniteDifferences()
    {
        // CPSD on the summed columns + mode loss on column 0 + cross-entropy on the 24 logits, as the trainer builds it.
        static Tensor Loss(Tensor[] v)
        {
            var logits = v[0];
            var y = Functional.Softmax(logits, -1);
            var ksp = ChromaNet.SignatureProfile(y);
            var m = ChromaNet.MajorProbability(y);
            var l = StoneLosses.CpsdLoss(ksp.Narrow(0, 0, 2), ksp.Narrow(0, 2, 2), ksp.Narrow(0, 4, 2), [3, -5]);
            l += 1.5f * StoneLosses.ModeConsistencyLoss(m.Narrow(0, 0, 2), m.Narrow(0, 2, 2), m.Narrow(0, 4, 2));
            return l + Functional.CrossEntropy(logits.Narrow(0, 6, 2), [4, 19]);
        }
        GradCheck.Check(Loss, [GradCheck.Rand(new Rng(5), 8, 24)]);
    }

    [Fact]
    public void ModeLossRewardsConfidentAgreementAndStaysFiniteAtZeroAndOne()
    {
        Tensor T(params float[] v) => Tensor.From(v, v.Length);
        float agreeing = StoneLosses.ModeConsistencyLoss(T(1, 0), T(1, 0), T(1, 0)).Item();
        Assert.InRange(agreeing, 0f, 1e-5f);
        float half = StoneLosses.ModeConsistencyLoss(T(0.5f), T(0.5f), T(0.5f)).Item();
        Assert.Equal(3 * MathF.Log(2), half, 4);
        float disagreeing = StoneLosses.ModeConsistencyLoss(T(1, 0), T(0, 1), T(1, 0)).Item();
        Assert.True(disagreeing > 10, $"{disagreeing}");
        // Exact 0 and 1 (a saturated softmax) give finite gradients.
        var a = T(1, 0); var b = T(0, 1); var c = T(1, 1);
        foreach (var t in new[] { a, b, c }) t.RequiresGrad = true;
        StoneLosses.ModeConsistencyLoss(a, b, c).Backward();
        foreach (var t in new[] { a, b, c }) Assert.All(t.Grad!.ToArray(), g => Assert.True(float.IsFinite(g)));
    }

    [Fact]
    public void A24OutputModelRoundTripsAndScoresKeysByTonic()
    {
        using var tmp = new TempDir();
        var net = new ChromaNet(Tiny with { Modes = 2 }, new Rng(9));
        var model = new StoneModel(net, 7.0 / 12, 3);
        model.Save(tmp.File("m.safetensors"));
        var (_, meta) = SafeTensors.Load(tmp.File("m.safetensors"));
        Assert.Equal("2", meta["chromanet.modes"]);
        var back = StoneModel.Load(tmp.File("m.safetensors"));
        Assert.Equal(net.Config, back.Net.Config);
        Assert.Equal(2, back.Net.Config.Modes);
        Assert.Equal(3, back.CalibrationOffset);

        var (cqt, frames) = Tone(62, 0.5);
        Assert.Equal(model.RawOutput(cqt, frames), back.RawOutput(cqt, frames));
        var raw = back.RawOutput(cqt, frames);
        Assert.Equal(24, raw.Length);
        var scores = back.KeyScores(cqt, frames);
        Assert.Equal(1f, scores.Sum(), 4);
        for (int s = 0; s < 12; s++)
        {
            Assert.Equal(raw[(s + 3) % 12], scores[s]);                      // s major: class s + calibration
            Assert.Equal(raw[12 + (s + 3) % 12], scores[12 + (s + 9) % 12]);   // its relative minor, by tonic
        }
        var sig = back.KeySignatureProfile(cqt, frames);
        for (int s = 0; s < 12; s++) Assert.Equal(scores[s] + scores[12 + (s + 9) % 12], sig[s], 6);

        // The estimator takes the key from the model and ignores a classical estimate.
        var est = new StoneKeyEstimator(back, "m");
        Assert.True(est.ModelsMode);
        var audio = AudioBuffer.FromMono(SyntheticCadence.Render(2, KeyMode.Minor, secondsPerChord: 0.3), StoneFrontEnd.SampleRate);
        var k = est.Estimate(audio);
        var classical = new KeyEstimate(new MusicalKey(0, KeyMode.Major), 1, Enumerable.Range(0, 24).Select(i => i == 0 ? 1f : 0f).ToArray());
        var k2 = est.Estimate(audio, classical);
        Assert.Equal(k.Scores, k2.Scores);
        Assert.Equal(k.Key, k2.Key);
        Assert.Equal(k.Scores.Max(), k.Scores[k.Key.Index]);
        Assert.Throws<InvalidOperationException>(() => new StoneModel(new ChromaNet(Tiny, new Rng(1)), 7.0 / 12, 0).KeyScores(cqt, frames));
    }

    [Fact]
    public void WithoutLabelsA24OutputModelIsCalibratedSoThatColumn0IsMajor()
    {
        // 24-STONE: the mode loss does not say which column is major; the trained model is calibrated on cadences.
        using var tmp = new TempDir();
        var (u, _) = SmallSets();
        var trainer = new StoneTrainer(new StoneTrainingOptions { Steps = 1, Batch = 2, ExcerptSeconds = 0.5, Model = Tiny with { Modes = 2 } }, tmp.Path);
        Assert.True(trainer.Train(u, null, null, null, CancellationToken.None));
        Assert.True(float.IsFinite(trainer.LastLosses.Mode));
        var model = trainer.ToModel();
        double Major(KeyMode mode) => Enumerable.Range(0, 12).Sum(t =>
        {
            var cqt = StoneFrontEnd.Compute(SyntheticCadence.Render(t, mode), out int frames);
            return model.RawOutput(cqt, frames).Take(12).Sum();
        });
        Assert.True(Major(KeyMode.Major) >= Major(KeyMode.Minor));
        // Swapping the head's rows swaps the two columns. The logits swap exactly (each is its own dot product),
        // but the softmax divides by a 24-term sum whose addends the swap permutes, and TensorPrimitives.Sum's
        // order depends on the vector width (512, 256 bits or scalar), so the outputs agree only to rounding: a
        // sum of n positive terms in another order differs by at most (n-1)·2^-24 relative, about 1.4e-6 for n = 24.
        // 1e-5 relative is above that and far below what a wrong swap would give (the columns differ by orders of magnitude).
        var x = Tensor.Uniform(new Rng(1), 0f, 1f, 1, 1, StoneFrontEnd.CropBins, 16);
        trainer.Net.Eval();
        var y = trainer.Net.Forward(x).ToArray();
        trainer.Net.SwapModeColumns();
        var swapped = trainer.Net.Forward(x).ToArray();
        const float rel = 1e-5f;
        for (int q = 0; q < 12; q++)
        {
            Assert.Equal(y[q], swapped[12 + q], rel * y[q]);
            Assert.Equal(y[12 + q], swapped[q], rel * y[12 + q]);
        }
        var logits = trainer.Net.Logits(x).ToArray();
        trainer.Net.SwapModeColumns();
        var logitsBack = trainer.Net.Logits(x).ToArray();
        for (int q = 0; q < 12; q++) { Assert.Equal(logits[q], logitsBack[12 + q]); Assert.Equal(logits[12 + q], logitsBack[q]); }
    }

    [Fact]
    public void ModelFilesWithoutTheModesEntryAre12OutputModels()
    {
        var path = RepoPaths.Path("models", "stone-small.safetensors");
        var (_, meta) = SafeTensors.Load(path);
        Assert.False(meta.ContainsKey("chromanet.modes"));
        var model = StoneModel.Load(path);
        Assert.Equal(1, model.Net.Config.Modes);
        Assert.False(new StoneKeyEstimator(model, "s").ModelsMode);
        Assert.Throws<GrooveException>(() => ChromaNetConfig.FromMetadata(new Dictionary<string, string>(Tiny.ToMetadata()) { ["chromanet.modes"] = "3" }, "x"));
    }

    [Fact]
    public void InitCopiesTheTrunkOfATrainedModelAndKeepsANewHead()
    {
        using var tmp = new TempDir();
        var source = StoneModel.Load(RepoPaths.Path("models", "stone-small.safetensors"));
        var trainer = new StoneTrainer(new StoneTrainingOptions { Model = source.Net.Config with { Modes = 2 }, Labelled = true }, tmp.Path);
        var headBefore = trainer.Net.StateDict()["head.weight"].ToArray();
        int copied = trainer.InitFrom(source);
        var src = source.Net.StateDict();
        var dst = trainer.Net.StateDict();
        Assert.Equal(src.Count - 2, copied); // all but head.weight and head.bias
        foreach (var (name, t) in src)
            if (!name.StartsWith("head.", StringComparison.Ordinal)) Assert.Equal(t.ToArray(), dst[name].ToArray());
        Assert.Equal(new[] { 2, source.Net.Config.Width }, dst["head.weight"].ShapeArray);
        Assert.Equal(headBefore, dst["head.weight"].ToArray());

        // A network of another size takes only what fits.
        var other = new StoneTrainer(new StoneTrainingOptions { Model = Tiny }, tmp.File("o"));
        Assert.Equal(0, other.InitFrom(source));
    }

    private static (StoneTrainingData Unlabelled, StoneLabelledData Labelled) SmallSets()
    {
        var u = new StoneTrainingData();
        var l = new StoneLabelledData();
        foreach (var (t, m) in new[] { (0, KeyMode.Major), (9, KeyMode.Minor) })
        {
            var cqt = StoneFrontEnd.Compute(SyntheticCadence.Render(t, m, secondsPerChord: 0.3), out int frames);
            u.Add($"{t}", cqt, frames, 8);
            l.Add($"{t}", cqt, frames, new MusicalKey(t, m), 8);
        }
        return (u, l);
    }

    [Fact]
    public void WithoutLabelsA12OutputRunComputesTheSameLossAsPlainStone()
    {
        // Today's STONE step, written out: three crops per item, the network's softmax, the CPSD loss.
        using var tmp = new TempDir();
        var (u, _) = SmallSets();
        var options = new StoneTrainingOptions { Batch = 2, ExcerptSeconds = 0.5, Model = Tiny, Seed = 5 };
        var a = new StoneTrainer(options, tmp.File("a"));
        var b = new StoneTrainer(options, tmp.File("b"));
        var rng = new Rng(options.Seed * 7919 + 1);
        for (int step = 0; step < 2; step++)
        {
            var x = u.SampleBatch(rng, 2, options.ExcerptFrames, out var shifts);
            var y = b.Net.Forward(x);
            var expected = StoneLosses.CpsdLoss(y.Narrow(0, 0, 2), y.Narrow(0, 2, 2), y.Narrow(0, 4, 2), shifts, options.Omega).Item();
            Assert.Equal(expected, a.BatchLoss(u).Item());
        }
    }

    [Fact]
    public void SemiSupervisedTrainingResumesBitExactly()
    {
        using var tmp = new TempDir();
        var (u, l) = SmallSets();
        var options = new StoneTrainingOptions
        {
            Steps = 4, Batch = 2, LabelledBatch = 2, Labelled = true, ExcerptSeconds = 0.5, LabelledExcerptSeconds = 0.4,
            Model = Tiny with { Modes = 2 }, CheckpointEvery = 2, Seed = 2,
        };
        var straight = new StoneTrainer(options, tmp.File("straight"));
        Assert.True(straight.Train(u, l, null, null, CancellationToken.None));
        Assert.All(new[] { straight.LastLosses.Cpsd, straight.LastLosses.Mode, straight.LastLosses.Labelled }, v => Assert.True(float.IsFinite(v)));

        var first = new StoneTrainer(options with { Steps = 2 }, tmp.File("resumed"));
        Assert.True(first.Train(u, l, null, null, CancellationToken.None));
        var second = new StoneTrainer(options, tmp.File("resumed"));
        Assert.NotNull(second.Loop.TryResume());
        Assert.True(second.Train(u, l, null, null, CancellationToken.None));
        var want = straight.Net.StateDict();
        foreach (var (name, t) in second.Net.StateDict()) Assert.Equal(want[name].ToArray(), t.ToArray());

        // Labelled whole tracks (one pass per track) and labels alone (sup-TONE) also train.
        var whole = new StoneTrainer(options with { LabelledExcerptSeconds = 0, Steps = 1 }, tmp.File("whole"));
        Assert.True(whole.Train(null, l, null, null, CancellationToken.None));
        Assert.True(float.IsNaN(whole.LastLosses.Cpsd) && float.IsFinite(whole.LastLosses.Labelled));
        // A run set up for labels refuses to train without them, and the other way round.
        Assert.Throws<ArgumentException>(() => whole.Train(u, null, null, null, CancellationToken.None));
    }
}
