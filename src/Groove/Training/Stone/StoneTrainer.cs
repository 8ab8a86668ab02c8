using System.Diagnostics;
using System.Globalization;
using Groove.Nn;
using Groove.Tonality.Stone;

namespace Groove.Training.Stone;

/// <summary>Settings of a STONE training run.</summary>
public sealed record StoneTrainingOptions
{
    public long Steps { get; init; } = 2000;
    public int Batch { get; init; } = 8;
    public double ExcerptSeconds { get; init; } = 5;
    public float LearningRate { get; init; } = 1e-3f;
    public float WeightDecay { get; init; } = 0.05f;
    /// <summary>Circle frequency of the CPSD loss: 7/12 (circle of fifths, default) or 1/12 (semitones).</summary>
    public double Omega { get; init; } = 7.0 / 12;
    public int CheckpointEvery { get; init; } = 50;
    public int WarmupSteps { get; init; } = 50;
    public float ClipPerParameter { get; init; } = 1f;
    public ulong Seed { get; init; } = 1;
    public ChromaNetConfig Model { get; init; } = new();
    /// <summary>Weight of the self-supervised mode-consistency loss of a 24-output model (1.5 in the paper's code).</summary>
    public float ModeWeight { get; init; } = 1.5f;
    /// <summary>Labelled excerpts per step (used when labelled data is given).</summary>
    public int LabelledBatch { get; init; } = 8;
    /// <summary>Weight of the labelled cross-entropy.</summary>
    public float LabelledWeight { get; init; } = 1f;
    /// <summary>Length of labelled excerpts in seconds: null = <see cref="ExcerptSeconds"/>, 0 = whole tracks
    /// (up to <see cref="MaxLabelledSeconds"/>; one forward pass per track).</summary>
    public double? LabelledExcerptSeconds { get; init; }
    /// <summary>Longest labelled excerpt when whole tracks are used.</summary>
    public double MaxLabelledSeconds { get; init; } = 120;
    /// <summary>Output class of C major / A minor in the labels' convention (<see cref="StoneLabelledData.TargetIndex"/>):
    /// 0 from scratch, the calibration offset of the <c>--init</c> model otherwise.</summary>
    public int LabelOffset { get; init; }
    /// <summary>Whether the run uses labelled data (Semi-TONE / sup-TONE): then every step has a labelled batch and
    /// the final model needs no calibration.</summary>
    public bool Labelled { get; init; }

    /// <summary>Excerpt length in CQT frames.</summary>
    public int ExcerptFrames => Math.Max(8, (int)Math.Round(ExcerptSeconds * StoneFrontEnd.FrameRate));

    /// <summary>Labelled excerpt length in CQT frames (0 = whole tracks).</summary>
    public int LabelledExcerptFrames => LabelledExcerptSeconds is { } s
        ? s == 0 ? 0 : Math.Max(8, (int)Math.Round(s * StoneFrontEnd.FrameRate))
        : ExcerptFrames;

    internal Dictionary<string, string> ToMetadata()
    {
        var ic = CultureInfo.InvariantCulture;
        var m = new Dictionary<string, string>(Model.ToMetadata())
        {
            ["train.steps"] = Steps.ToString(ic), ["train.batch"] = Batch.ToString(ic),
            ["train.excerpt_seconds"] = ExcerptSeconds.ToString("R", ic), ["train.lr"] = LearningRate.ToString("R", ic),
            ["train.weight_decay"] = WeightDecay.ToString("R", ic), ["train.omega"] = Omega.ToString("R", ic),
            ["train.seed"] = Seed.ToString(ic),
        };
        if (Model.Modes == 2) m["train.mode_weight"] = ModeWeight.ToString("R", ic);
        if (Labelled)
        {
            m["train.labelled_batch"] = LabelledBatch.ToString(ic);
            m["train.labelled_weight"] = LabelledWeight.ToString("R", ic);
            m["train.labelled_excerpt_seconds"] = (LabelledExcerptSeconds ?? ExcerptSeconds).ToString("R", ic);
            m["train.label_offset"] = LabelOffset.ToString(ic);
        }
        return m;
    }
}

/// <summary>
/// Trains a <see cref="ChromaNet"/> with STONE's objectives (Kong et al., "STONE: Self-supervised tonality
/// estimator", ISMIR 2024). Self-supervised part: for pairs of excerpts A, B of one track and A′ (A transposed by k
/// semitones by re-cropping the CQT), the CPSD loss asks the key-signature profiles of A and B to agree and A′'s to
/// be A's rotated by k on the circle (<see cref="StoneLosses.CpsdLoss"/>); a 24-output network (24-STONE) adds
/// <see cref="StoneTrainingOptions.ModeWeight"/> × the mode-consistency loss (<see cref="StoneLosses.ModeConsistencyLoss"/>).
/// Semi-TONE adds labelled excerpts: each step also draws <see cref="StoneTrainingOptions.LabelledBatch"/> excerpts
/// with known keys and adds <see cref="StoneTrainingOptions.LabelledWeight"/> × the cross-entropy of the network's
/// softmax against their (transposition-rotated) classes; both parts go into one optimiser step (one forward pass
/// when the excerpt lengths match). Without unlabelled data only the labelled term remains (sup-TONE).
/// AdamW (no decay on biases and norms), warm-up + cosine schedule, per-parameter gradient clipping; resumable
/// through <see cref="ResumableTraining"/>. Files in the output folder: <c>checkpoint.safetensors</c>,
/// <c>log.tsv</c>, <c>stone.safetensors</c> (final weights).
/// </summary>
public sealed class StoneTrainer
{
    private readonly StoneTrainingOptions _o;
    private readonly Rng _initRng, _dataRng;

    /// <summary>The network being trained.</summary>
    public ChromaNet Net { get; }
    /// <summary>The optimisation loop.</summary>
    public ResumableTraining Loop { get; }
    /// <summary>The parts of the last step's loss: CPSD, mode consistency, labelled cross-entropy (NaN when absent).</summary>
    public (float Cpsd, float Mode, float Labelled) LastLosses { get; private set; } = (float.NaN, float.NaN, float.NaN);

    public StoneTrainer(StoneTrainingOptions options, string outDir)
    {
        _o = options;
        if (options.Steps < 1 || options.Batch < 1 || options.ExcerptSeconds <= 0 || options.CheckpointEvery < 1)
            throw new GrooveException("steps, batch, excerpt length and checkpoint interval must be positive");
        if (options.Labelled && (options.LabelledBatch < 1 || options.LabelledWeight < 0 || options.LabelledExcerptSeconds < 0))
            throw new GrooveException("labelled batch must be positive, labelled weight and excerpt length not negative");
        _initRng = new Rng(options.Seed);
        _dataRng = new Rng(options.Seed * 7919 + 1);
        // The DropPath modules keep drawing from the generator that initialised the weights; it is saved in the
        // checkpoint with the data generator, so masks and batches are reproduced on resume.
        Net = new ChromaNet(options.Model, _initRng);
        var optimizer = Adam.AdamW(Net, options.LearningRate, options.WeightDecay);
        var schedule = new WarmupCosineSchedule(Math.Min(options.WarmupSteps, options.Steps / 10 + 1), options.Steps, 0.01f);
        Loop = new ResumableTraining(Path.Combine(outDir, "checkpoint.safetensors"), Net, optimizer,
            new Dictionary<string, Rng> { ["data"] = _dataRng, ["init"] = _initRng }, schedule)
        {
            CheckpointEvery = options.CheckpointEvery,
            ClipPerParameter = options.ClipPerParameter,
            Metadata = options.ToMetadata(),
        };
    }

    /// <summary>
    /// Starts the trunk from a trained model (of any number of outputs): copies every tensor whose name and shape
    /// match, except the head, which keeps its fresh initialisation. Returns the number of tensors copied.
    /// Call before training (a resumed checkpoint overrides it).
    /// </summary>
    public int InitFrom(StoneModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var mine = Net.StateDict();
        int copied = 0;
        foreach (var (name, t) in model.Net.StateDict())
        {
            if (name.StartsWith("head.", StringComparison.Ordinal) || !mine.TryGetValue(name, out var dst)) continue;
            if (!t.ShapeArray.AsSpan().SequenceEqual(dst.ShapeArray)) continue;
            dst.CopyFrom(t);
            copied++;
        }
        return copied;
    }

    /// <summary>The loss of one self-supervised training batch (also used by tests).</summary>
    public Tensor BatchLoss(StoneTrainingData data) => BatchLoss(data, null);

    /// <summary>
    /// The loss of one step: the self-supervised loss of an unlabelled triplet batch (when <paramref name="data"/>
    /// is given) plus the weighted labelled cross-entropy (when <paramref name="labelled"/> is given).
    /// </summary>
    public Tensor BatchLoss(StoneTrainingData? data, StoneLabelledData? labelled)
    {
        if (data is null && labelled is null) throw new GrooveException("no training data");
        int b = _o.Batch;
        int[] shifts = [];
        Tensor? xU = data?.SampleBatch(_dataRng, b, _o.ExcerptFrames, out shifts);
        int[] targets = [];
        int lFrames = _o.LabelledExcerptFrames;
        Tensor? xL = labelled != null && lFrames > 0 ? labelled.SampleBatch(_dataRng, _o.LabelledBatch, lFrames, _o.Model.Modes, _o.LabelOffset, out targets) : null;

        Tensor? logitsU = null, logitsL = null;
        if (xU != null && xL != null && xU.Dim(3) == xL.Dim(3))
        {
            var all = Net.Logits(Tensor.Concat(new[] { xU, xL }, 0));
            logitsU = all.Narrow(0, 0, 3 * b);
            logitsL = all.Narrow(0, 3 * b, xL.Dim(0));
        }
        else
        {
            if (xU != null) logitsU = Net.Logits(xU);
            if (xL != null) logitsL = Net.Logits(xL);
        }

        Tensor? loss = null;
        float cpsd = float.NaN, mode = float.NaN, ce = float.NaN;
        if (logitsU != null)
        {
            var y = Functional.Softmax(logitsU, -1);
            var ksp = ChromaNet.SignatureProfile(y);
            loss = StoneLosses.CpsdLoss(ksp.Narrow(0, 0, b), ksp.Narrow(0, b, b), ksp.Narrow(0, 2 * b, b), shifts, _o.Omega);
            cpsd = loss.Item();
            if (_o.Model.Modes == 2 && _o.ModeWeight != 0)
            {
                var m = ChromaNet.MajorProbability(y);
                var lm = StoneLosses.ModeConsistencyLoss(m.Narrow(0, 0, b), m.Narrow(0, b, b), m.Narrow(0, 2 * b, b));
                mode = lm.Item();
                loss += _o.ModeWeight * lm;
            }
        }
        if (labelled != null)
        {
            Tensor lc;
            if (logitsL != null) lc = Functional.CrossEntropy(logitsL, targets);
            else
            {
                // Whole tracks differ in length: one forward pass each, cross-entropies averaged.
                int maxFrames = Math.Max(8, (int)Math.Round(_o.MaxLabelledSeconds * StoneFrontEnd.FrameRate));
                Tensor? sum = null;
                for (int i = 0; i < _o.LabelledBatch; i++)
                {
                    var x = labelled.SampleTrack(_dataRng, maxFrames, _o.Model.Modes, _o.LabelOffset, out int target);
                    var l = Functional.CrossEntropy(Net.Logits(x), [target]);
                    sum = sum is null ? l : sum + l;
                }
                lc = sum! * (1f / _o.LabelledBatch);
            }
            ce = lc.Item();
            loss = loss is null ? _o.LabelledWeight * lc : loss + _o.LabelledWeight * lc;
        }
        LastLosses = (cpsd, mode, ce);
        return loss!;
    }

    /// <summary>Self-supervised training (see the other overload).</summary>
    public bool Train(StoneTrainingData data, TrainingLog? log, Action<string>? progress, CancellationToken cancellationToken) =>
        Train(data, null, log, progress, cancellationToken);

    /// <summary>
    /// Runs (or continues) training to <see cref="StoneTrainingOptions.Steps"/> on unlabelled <paramref name="data"/>
    /// and/or <paramref name="labelled"/> tracks (at least one; labelled data exactly when the options say
    /// <see cref="StoneTrainingOptions.Labelled"/>); <paramref name="log"/> gets one line per logged step. Returns
    /// true when finished, false when cancelled (a checkpoint is written either way).
    /// </summary>
    public bool Train(StoneTrainingData? data, StoneLabelledData? labelled, TrainingLog? log, Action<string>? progress, CancellationToken cancellationToken)
    {
        if (data is null && labelled is null) throw new GrooveException("no training data");
        if ((labelled != null) != _o.Labelled)
            throw new ArgumentException(_o.Labelled ? "the options ask for labelled data and none was given" : "labelled data given but the options do not say Labelled");
        var sw = Stopwatch.StartNew();
        double avg = double.NaN;
        return Loop.Run(_o.Steps, _ => BatchLoss(data, labelled), (step, loss, lr) =>
        {
            avg = double.IsNaN(avg) ? loss : 0.95 * avg + 0.05 * loss;
            log?.Write(step, loss, lr, sw.Elapsed.TotalSeconds);
            if (step % 10 == 0 || step == _o.Steps)
            {
                var (c, m, l) = LastLosses;
                var parts = (float.IsNaN(c) ? "" : $"  cpsd {c:F3}") + (float.IsNaN(m) ? "" : $"  mode {m:F3}") + (float.IsNaN(l) ? "" : $"  ce {l:F3}");
                progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"step {step}/{_o.Steps}  loss {loss:F4}  avg {avg:F4}{parts}  lr×{lr:F3}  {sw.Elapsed.TotalSeconds:F0} s"));
            }
        }, cancellationToken);
    }

    /// <summary>
    /// The trained model. With labels the classes are anchored by them (calibration offset =
    /// <see cref="StoneTrainingOptions.LabelOffset"/>); without, the model is calibrated on synthetic cadences (and a
    /// 24-output model's mode columns are ordered so that column 0 is major).
    /// </summary>
    public StoneModel ToModel()
    {
        var model = new StoneModel(Net, _o.Omega, _o.LabelOffset, _o.ToMetadata());
        if (!_o.Labelled)
        {
            model.Calibrate();
            if (Net.Config.Modes == 2) model.CalibrateMode();
        }
        Net.Train();
        return model;
    }

    /// <summary>Reads the network size and label offset stored in a training checkpoint (null when absent), so a run
    /// can be resumed without repeating its settings.</summary>
    public static (ChromaNetConfig? Model, int? LabelOffset) ReadCheckpointSettings(string checkpointPath)
    {
        var (_, meta) = SafeTensors.Load(checkpointPath);
        var user = meta.Where(kv => kv.Key.StartsWith("user.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key[5..], kv => kv.Value);
        ChromaNetConfig? cfg = user.ContainsKey("chromanet.width") ? ChromaNetConfig.FromMetadata(user, checkpointPath) : null;
        int? offset = user.TryGetValue("train.label_offset", out var o) && int.TryParse(o, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;
        return (cfg, offset);
    }
}
