using System.Diagnostics;
using System.Globalization;
using Groove.Nn;
using Groove.Training;

namespace Groove.Tonality.Stone;

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

    /// <summary>Excerpt length in CQT frames.</summary>
    public int ExcerptFrames => Math.Max(8, (int)Math.Round(ExcerptSeconds * StoneFrontEnd.FrameRate));

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
        return m;
    }
}

/// <summary>
/// Trains a <see cref="ChromaNet"/> with STONE's self-supervised objective (Kong et al., ISMIR 2024): for pairs of
/// excerpts A, B of one track and A′ (A transposed by k semitones by re-cropping the CQT), the CPSD loss asks the
/// key-signature profiles of A and B to agree and A′'s to be A's rotated by k on the circle
/// (<see cref="Functional.CpsdLoss"/>). AdamW (no decay on biases and norms), warm-up + cosine schedule,
/// per-parameter gradient clipping; resumable through <see cref="ResumableTraining"/>.
/// Files in the output folder: <c>checkpoint.safetensors</c>, <c>log.tsv</c>, <c>stone.safetensors</c> (final weights).
/// </summary>
public sealed class StoneTrainer
{
    private readonly StoneTrainingOptions _o;
    private readonly Rng _initRng, _dataRng;

    /// <summary>The network being trained.</summary>
    public ChromaNet Net { get; }
    /// <summary>The optimisation loop.</summary>
    public ResumableTraining Loop { get; }

    public StoneTrainer(StoneTrainingOptions options, string outDir)
    {
        _o = options;
        if (options.Steps < 1 || options.Batch < 1 || options.ExcerptSeconds <= 0 || options.CheckpointEvery < 1)
            throw new GrooveException("steps, batch, excerpt length and checkpoint interval must be positive");
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

    /// <summary>The loss of one training batch (also used by tests).</summary>
    public Tensor BatchLoss(StoneTrainingData data)
    {
        var x = data.SampleBatch(_dataRng, _o.Batch, _o.ExcerptFrames, out var shifts);
        var y = Net.Forward(x);
        int b = _o.Batch;
        return Functional.CpsdLoss(y.Narrow(0, 0, b), y.Narrow(0, b, b), y.Narrow(0, 2 * b, b), shifts, _o.Omega);
    }

    /// <summary>
    /// Runs (or continues) training to <see cref="StoneTrainingOptions.Steps"/>; <paramref name="log"/> gets one line
    /// per logged step. Returns true when finished, false when cancelled (a checkpoint is written either way).
    /// </summary>
    public bool Train(StoneTrainingData data, TrainingLog? log, Action<string>? progress, CancellationToken cancellationToken)
    {
        var sw = Stopwatch.StartNew();
        double avg = double.NaN;
        return Loop.Run(_o.Steps, _ => BatchLoss(data), (step, loss, lr) =>
        {
            avg = double.IsNaN(avg) ? loss : 0.95 * avg + 0.05 * loss;
            log?.Write(step, loss, lr, sw.Elapsed.TotalSeconds);
            if (step % 10 == 0 || step == _o.Steps)
                progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"step {step}/{_o.Steps}  loss {loss:F4}  avg {avg:F4}  lr×{lr:F3}  {sw.Elapsed.TotalSeconds:F0} s"));
        }, cancellationToken);
    }

    /// <summary>The trained model, calibrated on synthetic cadences.</summary>
    public StoneModel ToModel()
    {
        var model = new StoneModel(Net, _o.Omega, 0, _o.ToMetadata());
        model.Calibrate();
        Net.Train();
        return model;
    }
}
