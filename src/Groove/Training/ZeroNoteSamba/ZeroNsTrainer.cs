using System.Diagnostics;
using System.Globalization;
using Groove.IO;
using Groove.Nn;
using Groove.Rhythm.ZeroNoteSamba;

namespace Groove.Training.ZeroNoteSamba;

/// <summary>Settings of a Zero-Note Samba pretext run.</summary>
public sealed record ZeroNsTrainingOptions
{
    /// <summary>Total optimiser steps.</summary>
    public long Steps { get; init; } = 20000;
    /// <summary>Windows per step, all from one excerpt (the paper: 16).</summary>
    public int Windows { get; init; } = 16;
    /// <summary>Frames per cached excerpt (the paper: 626, 10 s); windows are drawn inside one excerpt.</summary>
    public int ExcerptFrames { get; init; } = 626;
    /// <summary>Frames per window (the paper: 313, 5 s).</summary>
    public int WindowFrames { get; init; } = 313;
    /// <summary>NT-Xent temperature (the paper: 0.25).</summary>
    public float Temperature { get; init; } = SynchronyContrastiveLoss.DefaultTemperature;
    /// <summary>Peak Adam learning rate.</summary>
    public float LearningRate { get; init; } = 3e-4f;
    /// <summary>Warm-up steps of the cosine schedule.</summary>
    public int WarmupSteps { get; init; } = 200;
    /// <summary>Largest L2 norm of each parameter's gradient.</summary>
    public float ClipPerParameter { get; init; } = 1f;
    /// <summary>Steps between checkpoints.</summary>
    public int CheckpointEvery { get; init; } = 50;
    /// <summary>Steps between validations (a multiple keeps the best model in step with checkpoints).</summary>
    public int ValidateEvery { get; init; } = 200;
    /// <summary>Fixed validation batches.</summary>
    public int ValidationBatches { get; init; } = 24;
    /// <summary>Seed of initialisation, dropout and batch sampling.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Steps between weight snapshots kept in <c>snapshots/stepNNNNNN.safetensors</c> (0 = none), so a
    /// checkpoint can be chosen afterwards by a criterion fixed in advance.</summary>
    public int SnapshotEvery { get; init; }
    /// <summary>Network shape.</summary>
    public SyncPredNetConfig Model { get; init; } = SyncPredNetConfig.Small;
    /// <summary>Weight of the label-free <see cref="OnsetPhaseAnchor"/> term added to the synchrony loss (0 = the
    /// paper's objective alone).</summary>
    public float PhaseAnchorWeight { get; init; }

    internal Dictionary<string, string> ToMetadata()
    {
        var ic = CultureInfo.InvariantCulture;
        return new Dictionary<string, string>(Model.ToMetadata())
        {
            ["train.steps"] = Steps.ToString(ic), ["train.windows"] = Windows.ToString(ic),
            ["train.window_frames"] = WindowFrames.ToString(ic), ["train.temperature"] = Temperature.ToString("R", ic),
            ["train.lr"] = LearningRate.ToString("R", ic), ["train.seed"] = Seed.ToString(ic),
            ["train.phase_anchor"] = PhaseAnchorWeight.ToString("R", ic),
        };
    }
}

/// <summary>
/// Trains a <see cref="SyncPredNet"/> on Zero-Note Samba's pretext task (Desblancs, Lostanlen &amp; Hennequin, TASLP
/// 2023): each step draws one cached excerpt and <see cref="ZeroNsTrainingOptions.Windows"/> windows of it, runs the
/// non-percussive branch and the percussive branch on every window and minimises
/// <see cref="SynchronyContrastiveLoss"/> with Adam (warm-up + cosine schedule, per-parameter gradient clipping).
/// Every <see cref="ZeroNsTrainingOptions.ValidateEvery"/> steps the loss on fixed batches of held-back files is
/// measured (evaluation mode) and the best weights are kept. Resumable bit-exactly through
/// <see cref="ResumableTraining"/>. Files in the run folder: <c>checkpoint.safetensors</c>, <c>log.tsv</c>,
/// <c>validation.tsv</c>, <c>best.safetensors</c> (lowest validation loss) and <c>last.safetensors</c>.
/// </summary>
public sealed class ZeroNsTrainer
{
    private readonly ZeroNsTrainingOptions _o;
    private readonly Rng _initRng, _dataRng;
    private readonly string _dir;

    /// <summary>The network being trained.</summary>
    public SyncPredNet Net { get; }
    /// <summary>The optimisation loop.</summary>
    public ResumableTraining Loop { get; }
    /// <summary>Mean positive and negative cosine of the last step.</summary>
    public (float Positive, float Negative) LastCosines { get; private set; }
    /// <summary>Mean lag (frames) of best agreement between the percussive output and the onset envelope at the last
    /// step (<see cref="OnsetPhaseAnchor"/>; negative = the output leads the onsets), and the anchor loss.</summary>
    public (float Lag, float Loss) LastAnchor { get; private set; }

    /// <summary>Seed of the fixed validation batches' window starts.</summary>
    public const ulong ValidationSeed = 0x5A3B;

    /// <summary>Path of the best weights.</summary>
    public string BestPath => Path.Combine(_dir, "best.safetensors");

    public ZeroNsTrainer(ZeroNsTrainingOptions options, string outDir)
    {
        _o = options;
        if (options.Steps < 1 || options.Windows < 2 || options.WindowFrames < 8 || options.CheckpointEvery < 1 || options.ValidateEvery < 1 || options.ValidationBatches < 1)
            throw new GrooveException("steps, checkpoint and validation intervals and validation batches must be positive, windows ≥ 2 and window frames ≥ 8");
        if (options.SnapshotEvery < 0) throw new GrooveException("the snapshot interval must be ≥ 0 (0 = no snapshots)");
        if (!(options.PhaseAnchorWeight >= 0) || float.IsInfinity(options.PhaseAnchorWeight))
            throw new GrooveException("the phase-anchor weight must be a finite number ≥ 0");
        if (options.PhaseAnchorWeight > 0 && options.WindowFrames <= 2 * OnsetPhaseAnchor.DefaultMaxLag)
            throw new GrooveException($"the phase anchor needs windows longer than {2 * OnsetPhaseAnchor.DefaultMaxLag} frames");
        _dir = outDir;
        _initRng = new Rng(options.Seed);
        _dataRng = new Rng(options.Seed * 7919 + 3);
        Net = new SyncPredNet(options.Model, _initRng);
        var schedule = new WarmupCosineSchedule(Math.Min(options.WarmupSteps, options.Steps / 10 + 1), options.Steps, 0.05f);
        Loop = new ResumableTraining(Path.Combine(outDir, "checkpoint.safetensors"), Net, new Adam(Net, options.LearningRate),
            new Dictionary<string, Rng> { ["data"] = _dataRng, ["init"] = _initRng }, schedule)
        {
            CheckpointEvery = options.CheckpointEvery,
            ClipPerParameter = options.ClipPerParameter,
            Metadata = options.ToMetadata(),
        };
    }

    /// <summary>Loss of one pretext batch (training mode).</summary>
    public SynchronyLoss BatchLoss(Tensor percussive, Tensor nonPercussive)
    {
        var anchors = Net.NonPercussive.Forward(nonPercussive);
        var positives = Net.Percussive.Forward(percussive);
        return SynchronyContrastiveLoss.Compute(anchors, positives, _o.Temperature);
    }

    /// <summary>One validation measurement: the objective (synchrony loss + weight × anchor loss), its synchrony
    /// part, the mean cosines, the anchor loss and the mean lag (frames) of the percussive output against the onsets.</summary>
    public readonly record struct ValidationResult(double Loss, double Synchrony, double Positive, double Negative, double Anchor, double Lag);

    /// <summary>Mean losses, cosines and lag over fixed batches, in evaluation mode without gradients.</summary>
    public ValidationResult Validate(ZeroNsTrainingData data, IReadOnlyList<(ZeroNsExcerptRef Excerpt, int[] Starts)> batches)
    {
        bool training = Net.Training;
        Net.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            double l = 0, p = 0, n = 0, a = 0, lag = 0;
            foreach (var (e, starts) in batches)
            {
                var (xp, xn) = data.Batch(e, starts, _o.WindowFrames);
                var anchors = Net.NonPercussive.Forward(xn);
                var positives = Net.Percussive.Forward(xp);
                var r = SynchronyContrastiveLoss.Compute(anchors, positives, _o.Temperature);
                l += r.Loss.Item(); p += r.PositiveCosine; n += r.NegativeCosine;
                if (_o.WindowFrames > 2 * OnsetPhaseAnchor.DefaultMaxLag)
                {
                    var (al, bl) = OnsetPhaseAnchor.Compute(positives, OnsetPhaseAnchor.Envelope(xp));
                    a += al.Item(); lag += bl;
                }
            }
            int c = Math.Max(batches.Count, 1);
            return new ValidationResult((l + _o.PhaseAnchorWeight * a) / c, l / c, p / c, n / c, a / c, lag / c);
        }
        finally { Net.Train(training); }
    }

    /// <summary>
    /// Runs (or continues) training to <see cref="ZeroNsTrainingOptions.Steps"/>; validates on
    /// <paramref name="validation"/> (when it has excerpts) and keeps the best weights. Returns true when finished,
    /// false when cancelled (a checkpoint is written either way).
    /// </summary>
    public bool Train(ZeroNsTrainingData train, ZeroNsTrainingData? validation, TrainingLog? log, Action<string>? progress,
        CancellationToken cancellationToken)
    {
        var valBatches = validation is { Count: > 0 } ? validation.FixedBatches(_o.ValidationBatches, _o.Windows, _o.WindowFrames, ValidationSeed) : null;
        Directory.CreateDirectory(_dir);
        if (_o.SnapshotEvery > 0) Directory.CreateDirectory(Path.Combine(_dir, "snapshots"));
        var valLog = Path.Combine(_dir, "validation.tsv");
        double best = ReadBest();
        TrimValidationLog(valLog, Loop.Step);
        var sw = Stopwatch.StartNew();
        double avg = double.NaN, avgPos = double.NaN, avgNeg = double.NaN, avgLag = double.NaN;
        long started = Loop.Step;
        if (valBatches != null && Loop.Step == 0 && !File.Exists(valLog))
        {
            var v0 = Validate(validation!, valBatches);
            AppendValidation(valLog, 0, v0);
            progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"validation at step 0: loss {v0.Loss:F4}  cos+ {v0.Positive:F3}  cos− {v0.Negative:F3}  lag {v0.Lag:F1}"));
        }
        return Loop.Run(_o.Steps, _ =>
        {
            var (xp, xn) = train.Sample(_dataRng, _o.Windows, _o.WindowFrames);
            var anchors = Net.NonPercussive.Forward(xn);
            var positives = Net.Percussive.Forward(xp);
            var r = SynchronyContrastiveLoss.Compute(anchors, positives, _o.Temperature);
            LastCosines = (r.PositiveCosine, r.NegativeCosine);
            if (_o.PhaseAnchorWeight == 0) return r.Loss;
            var (al, lag) = OnsetPhaseAnchor.Compute(positives, OnsetPhaseAnchor.Envelope(xp));
            LastAnchor = (lag, al.Item());
            return r.Loss + al * _o.PhaseAnchorWeight;
        }, (step, loss, lr) =>
        {
            var (cp, cn) = LastCosines;
            avgLag = double.IsNaN(avgLag) ? LastAnchor.Lag : 0.9 * avgLag + 0.1 * LastAnchor.Lag;
            avg = double.IsNaN(avg) ? loss : 0.98 * avg + 0.02 * loss;
            avgPos = double.IsNaN(avgPos) ? cp : 0.98 * avgPos + 0.02 * cp;
            avgNeg = double.IsNaN(avgNeg) ? cn : 0.98 * avgNeg + 0.02 * cn;
            log?.Write(step, loss, lr, sw.Elapsed.TotalSeconds);
            if (step % 10 == 0 || step == _o.Steps)
            {
                double rate = sw.Elapsed.TotalSeconds / Math.Max(step - started, 1);
                progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"step {step}/{_o.Steps}  loss {loss:F4}  avg {avg:F4}  cos+ {avgPos:F3}  cos− {avgNeg:F3}  lr×{lr:F3}{(_o.PhaseAnchorWeight > 0 ? $"  anchor {LastAnchor.Loss:F3} lag {avgLag:F1}" : "")}  {rate:F2} s/step  {sw.Elapsed.TotalSeconds:F0} s"));
            }
            if (_o.SnapshotEvery > 0 && step % _o.SnapshotEvery == 0)
                ZeroNsModel.SaveNet(Path.Combine(_dir, "snapshots", $"step{step:D6}.safetensors"), Net, Metadata(step, double.NaN));
            if (valBatches != null && (step % _o.ValidateEvery == 0 || step == _o.Steps))
            {
                var v = Validate(validation!, valBatches);
                double vl = v.Loss;
                AppendValidation(valLog, step, v);
                bool better = vl < best;
                if (better)
                {
                    best = vl;
                    ZeroNsModel.SaveNet(BestPath, Net, Metadata(step, vl));
                }
                progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"validation at step {step}: loss {vl:F4}  synchrony {v.Synchrony:F4}  cos+ {v.Positive:F3}  cos− {v.Negative:F3}  anchor {v.Anchor:F3}  lag {v.Lag:F1}{(better ? "  (best, kept)" : $"  (best {best:F4})")}"));
            }
        }, cancellationToken);
    }

    /// <summary>Metadata stored with saved weights.</summary>
    public Dictionary<string, string> Metadata(long step, double validationLoss)
    {
        var m = _o.ToMetadata();
        m["train.completed_steps"] = step.ToString(CultureInfo.InvariantCulture);
        if (!double.IsNaN(validationLoss)) m["train.validation_loss"] = validationLoss.ToString("R", CultureInfo.InvariantCulture);
        return m;
    }

    private double ReadBest()
    {
        if (!File.Exists(BestPath)) return double.PositiveInfinity;
        var (_, meta) = SafeTensors.Load(BestPath);
        return meta.TryGetValue("train.validation_loss", out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v : double.PositiveInfinity;
    }

    private static void AppendValidation(string path, long step, ValidationResult v)
    {
        if (!File.Exists(path)) File.WriteAllText(path, "step\tloss\tcos_pos\tcos_neg\tsynchrony\tanchor\tlag\n");
        File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture,
            $"{step}\t{v.Loss:R}\t{v.Positive:R}\t{v.Negative:R}\t{v.Synchrony:R}\t{v.Anchor:R}\t{v.Lag:R}\n"));
    }

    /// <summary>Drops validation lines after the step a run resumes from, so the file matches the checkpoint.</summary>
    private static void TrimValidationLog(string path, long step)
    {
        if (!File.Exists(path)) return;
        var keep = File.ReadAllLines(path).Where(l =>
        {
            int tab = l.IndexOf('\t');
            return tab <= 0 || !long.TryParse(l.AsSpan(0, tab), NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) || s <= step;
        });
        AtomicFile.WriteAllText(path, string.Join("\n", keep) + "\n");
    }

    /// <summary>Reads the network shape stored in a checkpoint (null when absent).</summary>
    public static SyncPredNetConfig? ReadCheckpointConfig(string checkpointPath)
    {
        var (_, meta) = SafeTensors.Load(checkpointPath);
        var user = meta.Where(kv => kv.Key.StartsWith("user.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key[5..], kv => kv.Value);
        return user.ContainsKey("syncpred.layers") ? SyncPredNetConfig.FromMetadata(user, checkpointPath) : null;
    }
}
