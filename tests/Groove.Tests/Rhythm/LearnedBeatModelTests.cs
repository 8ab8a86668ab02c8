using Groove.Audio;
using Groove.Evaluation.Beats;
using Groove.Evaluation.FewShot;
using Groove.Nn;
using Groove.Rhythm;
using Groove.Rhythm.Learned;
using Groove.Rhythm.ZeroNoteSamba;
using Groove.Tests.Support;
using Xunit;

namespace Groove.Tests.Rhythm;

public class LearnedBeatModelTests
{
    private static readonly BiGruBeatOptions Small = new() { Channels = 8, Hidden = 8, Layers = 1, LearningRate = 1e-2f };

    /// <summary>Clicks (decaying 1 kHz bursts) at a steady tempo over white noise; returns the audio and the beat times.</summary>
    internal static (AudioBuffer Audio, double[] Beats) ClickTrack(double bpm, double phase, double seconds, ulong seed, float noise = 0.05f)
    {
        int sr = BeatFeatures.SampleRate, n = (int)(seconds * sr);
        var x = new float[n];
        new Rng(seed).FillNormal(x, 0, noise);
        var beats = new List<double>();
        for (double t = phase; t < seconds - 0.05; t += 60 / bpm)
        {
            beats.Add(t);
            int s0 = (int)(t * sr);
            for (int i = 0; i < sr / 25 && s0 + i < n; i++)
                x[s0 + i] += 0.6f * MathF.Exp(-i / (sr * 0.008f)) * MathF.Sin(2 * MathF.PI * 1000 * i / sr);
        }
        return (AudioBuffer.FromMono(x, sr), beats.ToArray());
    }

    private static FewShotTrack SyntheticTrack(int i, BeatFeatures features, ulong seed)
    {
        var rng = new Rng(seed + (ulong)i);
        var (audio, beats) = ClickTrack(90 + 60 * rng.NextDouble(), 0.1 + 0.4 * rng.NextDouble(), 14, seed + 100 + (ulong)i);
        return FewShotData.FromAudio($"synthetic{i}", audio, beats, features);
    }

    [Fact]
    public void Training_on_click_tracks_raises_the_F_measure_far_above_the_untrained_model()
    {
        var model = new BiGruBeatModel(7, Small);
        var train = Enumerable.Range(0, 3).Select(i => SyntheticTrack(i, model.Features, 11)).ToList();
        var test = Enumerable.Range(10, 3).Select(i => SyntheticTrack(i, model.Features, 11)).ToList();
        var decoder = new DbnBeatDecoder(model.Features.FramesPerSecond);
        double untrained = FewShotProtocol.Score(model, test, decoder).F;

        var rng = new Rng(3);
        int frames = 300, bands = model.Features.Bands, batch = 2;
        var x = new float[batch * frames * bands];
        var y = new float[batch * frames];
        float first = 0, last = 0;
        for (int step = 0; step < 80; step++)
        {
            for (int b = 0; b < batch; b++)
            {
                var t = train[rng.NextInt(train.Count)];
                int start = rng.NextInt(t.Frames - frames + 1);
                t.Features.AsSpan(start * bands, frames * bands).CopyTo(x.AsSpan(b * frames * bands));
                t.Targets.AsSpan(start, frames).CopyTo(y.AsSpan(b * frames));
            }
            float loss = model.TrainStep(x, y, batch, frames);
            if (step == 0) first = loss;
            last = loss;
        }
        double trained = FewShotProtocol.Score(model, test, decoder).F;
        Assert.True(last < first, $"loss {first} → {last}");
        Assert.True(trained > 0.8 && trained > untrained + 0.3, $"untrained F {untrained:0.000}, trained F {trained:0.000}");

        // The saved weights give the same activations and, as a beat tracker, the same beats.
        using var dir = new TempDir();
        var path = dir.File("clicks.safetensors");
        model.Save(path);
        var loaded = BiGruBeatModel.Load(path, 0);
        Assert.Equal(model.Predict(test[0].Features, test[0].Frames), loaded.Predict(test[0].Features, test[0].Frames));
        var (audio, beats) = ClickTrack(120, 0.25, 14, 999);
        var result = LearnedBeatTracker.Load(path).Track(audio);
        double f = BeatEvaluation.EvaluateTimes(beats, result.Beats.Select(b => b.Time).ToArray())[BeatEvaluation.FMeasure];
        Assert.True(f > 0.8, $"tracker F {f:0.000}");
        Assert.InRange(result.Tempo, 110, 130);
        Assert.Equal(50, result.FramesPerSecond);
    }

    [Fact]
    public void Same_seed_gives_the_same_initial_weights_and_snapshots_restore_them()
    {
        var a = new BiGruBeatModel(5, Small);
        var b = new BiGruBeatModel(5, Small);
        var c = new BiGruBeatModel(6, Small);
        var t = SyntheticTrack(0, a.Features, 1);
        Assert.Equal(a.Predict(t.Features, t.Frames), b.Predict(t.Features, t.Frames));
        Assert.NotEqual(a.Predict(t.Features, t.Frames), c.Predict(t.Features, t.Frames));

        var before = a.Predict(t.Features, t.Frames);
        var snapshot = a.Snapshot();
        a.TrainStep(t.Features[..(100 * a.Features.Bands)], t.Targets[..100], 1, 100);
        Assert.NotEqual(before, a.Predict(t.Features, t.Frames));
        a.Restore(snapshot);
        Assert.Equal(before, a.Predict(t.Features, t.Frames));
    }

    [Fact]
    public void Features_do_not_depend_on_the_sample_rate_or_channel_count()
    {
        var (audio, _) = ClickTrack(120, 0.2, 6, 3);
        var features = new BeatFeatures();
        var reference = features.Compute(audio);
        var mono = audio.Mono();
        var stereo44 = new AudioBuffer([Groove.Audio.Resampler.Resample(mono, 22050, 44100), Groove.Audio.Resampler.Resample(mono, 22050, 44100)], 44100);
        var other = features.Compute(stereo44);
        Assert.Equal(reference.Length, other.Length);
        Assert.Equal(6 * 50 + 1, reference.Length / features.Bands);
        double diff = 0;
        for (int i = 0; i < reference.Length; i++) diff += Math.Abs(reference[i] - other[i]);
        Assert.True(diff / reference.Length < 0.05, $"mean |difference| {diff / reference.Length}");
        Assert.InRange(reference.Average(), -1e-3, 1e-3); // standardised per band
    }

    [Fact]
    public void Targets_mark_beat_frames_with_one_and_their_neighbours_with_a_half()
    {
        var y = BeatTargets.Create([0.1, 0.5, 10], 30, 50);
        Assert.Equal(1f, y[5]);
        Assert.Equal(0.5f, y[4]);
        Assert.Equal(0.5f, y[6]);
        Assert.Equal(1f, y[25]);
        Assert.Equal(0.5f, y[24]);
        Assert.Equal(0f, y[10]);
        Assert.Equal(6, y.Count(v => v > 0));
    }

    [Fact]
    public void Unknown_models_and_foreign_weight_files_are_one_line_errors()
    {
        var e = Assert.Throws<GrooveException>(() => BeatActivationModels.Factory("tcn"));
        Assert.Contains("unknown model 'tcn'", e.Message);
        using var dir = new TempDir();
        var path = dir.File("other.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Zeros(2) });
        Assert.Contains("not a 'bigru' beat model", Assert.Throws<GrooveException>(() => BeatActivationModels.Factory(path)).Message);
        Assert.Contains("no such model file", Assert.Throws<GrooveException>(() => BeatActivationModels.Factory(dir.File("missing.safetensors"))).Message);
    }
    [Theory]
    [InlineData(1e-4f)]
    [InlineData(3e-3f)]
    public void The_learning_rate_given_to_the_factory_sets_the_size_of_a_zerons_fine_tuning_step(float lr)
    {
        // Adam's first step moves every weight with a non-zero gradient by lr·|g|/(|g|+ε) ≤ lr, so the largest move
        // is just under lr: a factory that ignored the rate would move by the default 1e-3.
        var model = BeatActivationModels.Factory("zerons-random", learningRate: lr)(7);
        var before = model.Snapshot();
        var (x, y) = RandomZeroNsBatch(frames: 64);
        model.TrainStep(x, y, 1, 64);
        var after = model.Snapshot();
        float largest = before.Keys.Max(k => before[k].Zip(after[k], (a, b) => Math.Abs(a - b)).Max());
        Assert.InRange(largest, 0.9f * lr, 1.001f * lr);
        Assert.Throws<GrooveException>(() => BeatActivationModels.Factory("zerons-random", learningRate: -1f));
    }

    [Fact]
    public void Heads_only_fine_tuning_leaves_every_weight_outside_the_two_heads_unchanged()
    {
        using var dir = new TempDir();
        var path = dir.File("zerons.safetensors");
        new ZeroNsModel(new SyncPredNet(SyncPredNetConfig.Small, new Rng(3))).Save(path);
        var model = ZeroNsBeatModel.Load(path, 5, new ZeroNsFineTuneOptions { HeadsOnly = true });
        var before = model.Snapshot();
        var (x, y) = RandomZeroNsBatch(frames: 64);
        model.TrainStep(x, y, 1, 64);
        var after = model.Snapshot();
        foreach (var k in before.Keys)
        {
            bool moved = !before[k].AsSpan().SequenceEqual(after[k]);
            Assert.True(moved == k.Contains(".head.", StringComparison.Ordinal), $"{k}: moved={moved}");
        }
    }

    private static (float[] X, float[] Y) RandomZeroNsBatch(int frames)
    {
        var rng = new Rng(11);
        var x = new float[frames * 2 * ZeroNsFrontEnd.Bins];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextFloat() * 4 - 6;
        var y = new float[frames];
        for (int i = 0; i < frames; i += 16) y[i] = 1;
        return (x, y);
    }
}
