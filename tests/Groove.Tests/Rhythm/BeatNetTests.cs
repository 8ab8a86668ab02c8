using Groove.Nn;
using Groove.Rhythm.Learned;
using Groove.Tests.Nn;
using Groove.Tests.Support;
using Groove.Training.Beats;

namespace Groove.Tests.Rhythm;

public sealed class BeatNetTests
{
    private static readonly BeatNetConfig Tiny = new() { Bands = 17, Width = 3, Layers = 2, KernelSize = 3, TempoClasses = 7, Dropout = 0 };

    [Fact]
    public void Tcn_gives_two_logits_per_frame_and_tempo_logits_per_excerpt()
    {
        var net = new BeatTcnNetwork(new BeatNetConfig(), new Rng(1), new Rng(2));
        var (frames, tempo) = net.Run(Tensor.Randn(new Rng(3), 2, 37, 81));
        Assert.Equal([2, 37, 2], frames.ShapeArray);
        Assert.Equal([2, 300], tempo!.ShapeArray);
        var gru = new BeatGruNetwork(Tiny with { Kind = "gru" }, new Rng(1), new Rng(2));
        var (g, none) = gru.Run(Tensor.Randn(new Rng(3), 2, 9, 17));
        Assert.Equal([2, 9, 2], g.ShapeArray);
        Assert.Null(none);
    }

    [Fact]
    public void Tcn_gradients_match_finite_differences()
    {
        var net = new BeatTcnNetwork(Tiny, new Rng(4), new Rng(5));
        var x = Tensor.Randn(new Rng(6), 1, 6, 17);
        // float32 through ~8 layers: GradCheck's tolerances (2% relative + 2e-3). The input check uses eps 1e-3: a step of
        // 1e-2 in one input can change which element wins a frequency max-pool, and then no finite difference matches.
        GradCheck.Check(inputs => net.Run(inputs[0]).Frames, [x], eps: 1e-3f);
        GradCheck.Check(inputs => net.Run(inputs[0]).Tempo!, [x]);
        // And one weight tensor of the first dilated block.
        var w = net.NamedParameters().First(p => p.Name.StartsWith("tcn0_conv", StringComparison.Ordinal)).Tensor;
        GradCheck.Check(_ => net.Run(x.Detach()).Frames, [w]);
    }

    [Fact]
    public void Model_file_round_trips_and_the_tracker_decodes_beats_and_bars()
    {
        using var tmp = new TempDir();
        var model = new BeatNetModel(new BeatTcnNetwork(Tiny with { Bands = 81 }, new Rng(7), new Rng(8)));
        var path = tmp.File("m.safetensors");
        model.Save(path);
        var loaded = BeatNetModel.Load(path);
        var audio = AudioBuffer.FromMono(Signals.ClickTrack(120, 10), 22050);
        var a = model.Predict(audio);
        var b = loaded.Predict(audio);
        Assert.Equal(a.Beat, b.Beat);
        Assert.Equal(a.Tempo, b.Tempo);
        var result = Groove.Rhythm.BeatTrackers.Create(path).Track(audio);
        Assert.Equal(a.Beat, result.Activation);
        Assert.Throws<GrooveException>(() => BeatNetModel.Load(tmp.File("none.safetensors")));
    }

    [Fact]
    public void Config_metadata_round_trips_and_first_version_files_still_load()
    {
        var c = new BeatNetConfig { Kind = "gru", Input = BeatNetConfig.ZeroNsInput, FreezeFrontEnd = true, Hop = 512, Width = 20, Layers = 5 };
        Assert.Equal(c, BeatNetConfig.FromMetadata(c.ToMetadata(), "t"));
        Assert.Equal(62.5, c.FramesPerSecond);
        Assert.Equal(192, c.FeatureWidth);
        Assert.Equal(22050.0 / 512, (c with { Input = BeatNetConfig.MelInput }).FramesPerSecond, 9);
        var old = new Dictionary<string, string> { ["kind"] = "tcn", ["fps"] = "50", ["bands"] = "81", ["width"] = "16", ["layers"] = "8", ["kernel"] = "5", ["tempo_classes"] = "300" };
        var read = BeatNetConfig.FromMetadata(old, "old");
        Assert.Equal((441, BeatNetConfig.MelInput, 50.0), (read.Hop, read.Input, read.FramesPerSecond));
        Assert.Throws<GrooveException>(() => BeatNetConfig.FromMetadata(new Dictionary<string, string>(old) { ["input"] = "cqt" }, "bad"));
    }

    [Fact]
    public void Zerons_front_end_starts_from_the_pretext_network_and_stays_put_when_frozen()
    {
        var config = Tiny with { Input = BeatNetConfig.ZeroNsInput };
        var pretext = new Groove.Rhythm.ZeroNoteSamba.SyncPredNet(Groove.Rhythm.ZeroNoteSamba.SyncPredNetConfig.Small, new Rng(21));
        var net = new BeatTcnNetwork(config, new Rng(22), new Rng(23));
        var front = net.ZeroNsFrontEnd!;
        front.LoadPretrained(pretext);
        front.Eval();
        pretext.Eval();
        // The front end's last two channels are the pretext branches' own output logits.
        var x = Tensor.Randn(new Rng(24), 1, 40, 192) * 2.5f - 4f;
        var h = front.Forward(x).ToArray();                                   // [1, 66, 40]
        var p = x.Reshape(1, 40, 2, 96).Permute(0, 2, 3, 1).Narrow(1, 0, 1).Contiguous();
        var expected = pretext.Percussive.Logits(p).ToArray();
        for (int t = 0; t < 40; t++) Assert.Equal(expected[t], h[64 * 40 + t], 4);
        var (frames, tempo) = net.Run(x);
        Assert.Equal([1, 40, 2], frames.ShapeArray);
        Assert.Equal([1, 7], tempo!.ShapeArray);

        // Frozen: one training step moves the head but no front-end weight.
        using var tmp = new TempDir();
        var trainer = new BeatNetTrainer(new BeatNetTrainingOptions { Model = config with { FreezeFrontEnd = true, Dropout = 0 }, Steps = 2, Batch = 1, ExcerptSeconds = 1 }, tmp.File("f"));
        var before = trainer.Network.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        var clip = new BeatClip("z", Tensor.Randn(new Rng(25), 1, 125, 192).ToArray(), 125, [new Beat(0.5, 1), new Beat(1.0, 2), new Beat(1.5, 1)]);
        Assert.True(trainer.Loop.Run(2, _ => trainer.BatchLoss([clip])));
        var after = trainer.Network.StateDict();
        Assert.All(before.Where(kv => kv.Key.StartsWith("front.", StringComparison.Ordinal)), kv => Assert.Equal(kv.Value, after[kv.Key].ToArray()));
        Assert.Contains(before.Where(kv => !kv.Key.StartsWith("front.", StringComparison.Ordinal)), kv => !kv.Value.SequenceEqual(after[kv.Key].ToArray()));
        Assert.Throws<GrooveException>(() => new BeatNetTrainer(new BeatNetTrainingOptions { Model = Tiny with { FreezeFrontEnd = true } }, tmp.File("g")));
    }

    [Fact]
    public void Bar_lengths_are_saved_with_the_model()
    {
        using var tmp = new TempDir();
        var model = new BeatNetModel(new BeatTcnNetwork(Tiny with { Bands = 81 }, new Rng(7), new Rng(8)), [2, 3, 4]);
        var path = tmp.File("bars.safetensors");
        model.Save(path);
        Assert.Equal([2, 3, 4], BeatNetModel.Load(path).BarLengths);
        Assert.Throws<GrooveException>(() => BeatNetModel.ParseBarLengths("2,x", "t"));
        Assert.Throws<GrooveException>(() => new BeatNetModel(model.Network, [0]));
    }

    [Fact]
    public void Decoder_input_never_sums_above_one_and_tempo_is_refined_between_classes()
    {
        var x = BeatNetTracker.DecoderInput([0.9f, 0.2f, 0f, 1f], [0.95f, 0.1f, 0.5f, 1f]);
        for (int t = 0; t < 4; t++) Assert.True(x[2 * t] + x[2 * t + 1] <= 1f && x[2 * t] >= 0 && x[2 * t + 1] > 0);
        Assert.Equal(2.0, BeatNetTracker.TempoOf([0f, 0.2f, 0.6f, 0.2f, 0f]), 9);
        Assert.InRange(BeatNetTracker.TempoOf([0f, 0.1f, 0.5f, 0.4f, 0f]), 2.2, 2.5);
        var target = BeatNetLoss.TempoTarget(120.4, 300);
        Assert.Equal(1f, target.Sum(), 5);
        Assert.Equal(target[120], target.Max());
        Assert.Equal(target[119], target[121]);
        Assert.All(BeatNetLoss.TempoTarget(0, 300), v => Assert.Equal(0f, v));
    }

    /// <summary>Random features with a beat every 25 frames (0.5 s) and a downbeat every 4 beats.</summary>
    private static List<BeatClip> Clips(int n, int frames)
    {
        var rng = new Rng(11);
        return Enumerable.Range(0, n).Select(i =>
        {
            var f = new float[frames * 17];
            rng.FillNormal(f);
            var beats = Enumerable.Range(0, frames / 25).Select(k => new Beat(k * 0.5 + 0.01 * i, k % 4 + 1)).ToList();
            return new BeatClip($"c{i}", f, frames, beats);
        }).ToList();
    }

    [Fact]
    public void A_resumed_run_ends_with_the_same_weights_bit_for_bit()
    {
        using var tmp = new TempDir();
        var clips = Clips(3, 120);
        var options = new BeatNetTrainingOptions { Model = Tiny with { Dropout = 0.2f }, Steps = 6, Batch = 2, ExcerptSeconds = 1, CheckpointEvery = 3 };
        var straight = new BeatNetTrainer(options, tmp.File("a"));
        Assert.True(straight.Loop.Run(6, _ => straight.BatchLoss(clips)));

        var first = new BeatNetTrainer(options, tmp.File("b"));
        first.Loop.Run(3, _ => first.BatchLoss(clips)); // stops at step 3 (its checkpoint is written)
        var resumed = new BeatNetTrainer(options, tmp.File("b"));
        Assert.NotNull(resumed.Loop.TryResume());
        Assert.Equal(3, resumed.Loop.Step);
        Assert.True(resumed.Loop.Run(6, _ => resumed.BatchLoss(clips)));

        var x = straight.Network.StateDict();
        var y = resumed.Network.StateDict();
        foreach (var (name, t) in x) Assert.Equal(t.ToArray(), y[name].ToArray());
        // And the weights moved: the check is not vacuous.
        var fresh = new BeatNetTrainer(options, tmp.File("c")).Network.StateDict();
        Assert.Contains(x, kv => !kv.Value.ToArray().SequenceEqual(fresh[kv.Key].ToArray()));
    }
}
