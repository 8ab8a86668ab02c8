using System.Globalization;
using Groove.Nn;
using Groove.Rhythm;
using Groove.Rhythm.Learned;

namespace Groove.Training.Beats;

/// <summary>Settings of a <see cref="BeatNetTrainer"/> run.</summary>
public sealed record BeatNetTrainingOptions
{
    /// <summary>Network size and kind.</summary>
    public BeatNetConfig Model { get; init; } = new();
    /// <summary>Total optimiser steps.</summary>
    public long Steps { get; init; } = 20000;
    /// <summary>Excerpts per step.</summary>
    public int Batch { get; init; } = 8;
    /// <summary>Excerpt length.</summary>
    public double ExcerptSeconds { get; init; } = 8;
    /// <summary>Peak learning rate (Adam).</summary>
    public float LearningRate { get; init; } = 2e-3f;
    /// <summary>Seed of the weights, the excerpts and dropout.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Steps between checkpoints.</summary>
    public int CheckpointEvery { get; init; } = 100;
    /// <summary>Bar lengths (beats per bar) saved with the model for its downbeat decoder.</summary>
    public IReadOnlyList<int> BarLengths { get; init; } = [3, 4];
    /// <summary>Steps between validations (an "epoch"); 0 = none.</summary>
    public int ValidateEvery { get; init; } = 300;
}

/// <summary>
/// Trains a <see cref="BeatNetwork"/> on labelled clips with <see cref="ResumableTraining"/>: each step draws
/// <see cref="BeatNetTrainingOptions.Batch"/> random excerpts (clip and offset from the registered "data" generator,
/// so a resumed run is bit-exact), with widened beat and downbeat targets and the excerpt's tempo (median beat
/// interval) as target of the tempo head (<see cref="BeatNetLoss"/>). Validation: the mean of a given beat score over
/// the validation clips, beats decoded from the beat activation by <see cref="DbnBeatDecoder"/>; the best weights are
/// kept (<c>best.safetensors</c> in the run folder, a <see cref="BeatNetModel"/> file).
/// </summary>
public sealed class BeatNetTrainer
{
    private readonly BeatNetTrainingOptions _o;
    private readonly Rng _data, _dropout;
    private readonly int _excerpt;

    /// <summary>A fresh network (weights from the seed) and its loop; checkpoints in <paramref name="runDir"/>.</summary>
    /// <param name="options">The run's settings.</param>
    /// <param name="runDir">Run folder: checkpoint.safetensors, best.safetensors (the best validated model), best-state.safetensors.</param>
    /// <param name="validate">The validation score of the model (higher is better), run every
    /// <see cref="BeatNetTrainingOptions.ValidateEvery"/> steps; null: no validation.</param>
    public BeatNetTrainer(BeatNetTrainingOptions options, string runDir, Func<BeatNetModel, double>? validate = null)
    {
        _o = options;
        _data = new Rng(options.Seed * 2 + 1);
        _dropout = new Rng(options.Seed * 2 + 2);
        Network = BeatNetwork.Create(options.Model, new Rng(options.Seed), _dropout);
        if (options.Model.FreezeFrontEnd)
            (Network.ZeroNsFrontEnd ?? throw new GrooveException("only the zerons input has a front end to freeze")).Freeze();
        Model = new BeatNetModel(Network, options.BarLengths);
        _excerpt = (int)Math.Round(options.ExcerptSeconds * options.Model.FramesPerSecond);
        if (_excerpt < 8) throw new GrooveException("the excerpt is too short");
        var optimizer = new Adam(Network, options.LearningRate);
        Loop = new ResumableTraining(Path.Combine(runDir, "checkpoint.safetensors"), Network, optimizer,
            new Dictionary<string, Rng> { ["data"] = _data, ["dropout"] = _dropout },
            new WarmupCosineSchedule(Math.Min(200, options.Steps / 10), options.Steps, 0.05f))
        {
            CheckpointEvery = options.CheckpointEvery,
            ClipPerParameter = 1f,
            Metadata = options.Model.ToMetadata(),
            ValidateEvery = validate is null ? 0 : options.ValidateEvery,
            Validate = validate is null ? null : () => validate(Model),
            BestPath = Path.Combine(runDir, "best-state.safetensors"),
        };
        RunDir = runDir;
    }

    /// <summary>The network being trained.</summary>
    public BeatNetwork Network { get; }
    /// <summary>The network with its features.</summary>
    public BeatNetModel Model { get; }
    /// <summary>The optimisation loop.</summary>
    public ResumableTraining Loop { get; }
    /// <summary>The run folder.</summary>
    public string RunDir { get; }

    /// <summary>The loss of the step's batch, drawn from <paramref name="clips"/>.</summary>
    public Tensor BatchLoss(IReadOnlyList<BeatClip> clips)
    {
        var c = _o.Model;
        int b = _o.Batch, t = _excerpt, bands = c.FeatureWidth;
        var x = new float[b * t * bands];
        var beats = new float[b * t];
        var downs = new float[b * t];
        var tempo = new float[b * c.TempoClasses];
        for (int i = 0; i < b; i++)
        {
            var clip = clips[_data.NextInt(clips.Count)];
            int start = clip.Frames > t ? _data.NextInt(clip.Frames - t + 1) : 0;
            int n = Math.Min(t, clip.Frames - start);
            Array.Copy(clip.Features, start * bands, x, i * t * bands, n * bands);
            double t0 = start / (double)c.FramesPerSecond, t1 = (start + t) / (double)c.FramesPerSecond;
            var inside = clip.Beats.Where(q => q.Time >= t0 - 0.05 && q.Time < t1 + 0.05).ToList();
            BeatTargets.Create(inside.Select(q => q.Time - t0).ToArray(), t, c.FramesPerSecond).CopyTo(beats, i * t);
            BeatTargets.Create(inside.Where(q => q.BeatInBar == 1).Select(q => q.Time - t0).ToArray(), t, c.FramesPerSecond).CopyTo(downs, i * t);
            BeatNetLoss.TempoTarget(MedianTempo(inside), c.TempoClasses).CopyTo(tempo, i * c.TempoClasses);
        }
        return BeatNetLoss.Compute(Network, x, beats, downs, tempo, b, t);
    }

    /// <summary>The network size a checkpoint was started with (its "user." metadata).</summary>
    /// <exception cref="GrooveException">Not a beat-network checkpoint.</exception>
    public static BeatNetConfig ReadCheckpointConfig(string checkpointPath)
    {
        var (_, meta) = SafeTensors.Load(checkpointPath);
        var user = meta.Where(kv => kv.Key.StartsWith("user.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key[5..], kv => kv.Value);
        return BeatNetConfig.FromMetadata(user, checkpointPath);
    }

    /// <summary>60 / the median inter-beat interval (0 with fewer than three beats).</summary>
    public static double MedianTempo(IReadOnlyList<Beat> beats)
    {
        if (beats.Count < 3) return 0;
        var d = new double[beats.Count - 1];
        for (int i = 1; i < beats.Count; i++) d[i - 1] = beats[i].Time - beats[i - 1].Time;
        Array.Sort(d);
        return 60 / d[d.Length / 2];
    }

    /// <summary>Mean of <paramref name="score"/>(reference beat times, estimated beat times) over <paramref name="clips"/>.</summary>
    public static double Validate(BeatNetModel model, IReadOnlyList<BeatClip> clips, Func<double[], double[], double> score)
    {
        var decoder = new DbnBeatDecoder(model.Features.FramesPerSecond);
        double sum = 0;
        foreach (var clip in clips)
        {
            var (beat, _, _) = model.Predict(clip.Features);
            for (int i = 0; i < beat.Length; i++) beat[i] = Math.Min(beat[i], 1f - 1e-6f);
            sum += score(clip.Beats.Select(b => b.Time).ToArray(), decoder.Decode(beat));
        }
        model.Network.Train();
        return clips.Count == 0 ? 0 : sum / clips.Count;
    }

    /// <summary>
    /// Trains until the last step or <paramref name="ct"/>, validating as the constructor was told. Returns true when all
    /// steps are done.
    /// </summary>
    /// <param name="train">Training clips.</param>
    /// <param name="log">Loss log.</param>
    /// <param name="info">Progress lines.</param>
    /// <param name="ct">Stops between steps (then checkpointed).</param>
    public bool Train(IReadOnlyList<BeatClip> train, TrainingLog? log, Action<string> info, CancellationToken ct)
    {
        if (train.Count == 0) throw new GrooveException("no training clips");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double smooth = double.NaN;
        return Loop.Run(_o.Steps, _ => BatchLoss(train), (step, loss, lr) =>
        {
            smooth = double.IsNaN(smooth) ? loss : 0.98 * smooth + 0.02 * loss;
            log?.Write(step, loss, lr, clock.Elapsed.TotalSeconds);
            if (step % 20 == 0)
                info(string.Create(CultureInfo.InvariantCulture, $"step {step}/{_o.Steps} loss {smooth:F4} lr×{lr:F3} ({clock.Elapsed.TotalMinutes:F1} min)"));
        }, ct, (step, score, best) =>
        {
            info(string.Create(CultureInfo.InvariantCulture, $"validation at step {step}: beat F {score:F4}{(best ? " (best so far)" : "")}"));
            if (best) Model.Save(Path.Combine(RunDir, "best.safetensors"), new Dictionary<string, string>
            {
                ["train.step"] = step.ToString(CultureInfo.InvariantCulture),
                ["train.validation_beat_f"] = score.ToString("F4", CultureInfo.InvariantCulture),
            });
        });
    }
}
