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
