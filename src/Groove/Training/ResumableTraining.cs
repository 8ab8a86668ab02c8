using Groove.Nn;

namespace Groove.Training;

/// <summary>
/// A resumable optimisation loop: each step sets the learning rate from a schedule, computes a loss, back-propagates,
/// clips every parameter's gradient separately and updates; a full <see cref="TrainingCheckpoint"/> (model,
/// optimiser, named random generators) is written atomically every <see cref="CheckpointEvery"/> steps, when the run
/// ends and when it is cancelled, so that <see cref="TryResume"/> followed by <see cref="Run"/> continues
/// bit-for-bit as if the run had not stopped (provided the loss function draws its randomness only from the
/// registered generators). Optionally it validates every <see cref="ValidateEvery"/> steps and keeps the best
/// weights so far in <see cref="BestPath"/> (written atomically; the best score travels in the checkpoint, so a
/// resumed run keeps comparing against it). STONE trains on it now (<c>Training/Stone</c>); every model trains
/// on it: a model brings its loss, its data and, if it has one, its validation score.
/// </summary>
public sealed class ResumableTraining
{
    private readonly Module _model;
    private readonly Optimizer _optimizer;
    private readonly IReadOnlyDictionary<string, Rng> _rngs;
    private readonly ILrSchedule _schedule;
    /// <summary>Recycles each step's activation and gradient buffers (the loss function's tensors live only for its step).</summary>
    private readonly TensorArena _arena = new();

    /// <summary>Where checkpoints are written.</summary>
    public string CheckpointPath { get; }
    /// <summary>Steps between checkpoints (≥ 1).</summary>
    public int CheckpointEvery { get; init; } = 100;
    /// <summary>Largest L2 norm of each parameter's gradient; 0 = no clipping.</summary>
    public float ClipPerParameter { get; init; } = 1f;
    /// <summary>Metadata stored in every checkpoint (e.g. the run's settings), returned by <see cref="TryResume"/>.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Steps between validations (0: never). Validation also runs when the run ends.</summary>
    public int ValidateEvery { get; init; }
    /// <summary>The validation score of the current weights, higher is better (needed when <see cref="ValidateEvery"/> &gt; 0).</summary>
    public Func<double>? Validate { get; init; }
    /// <summary>Where the weights with the best validation score are written (safetensors state dict); null: not kept.</summary>
    public string? BestPath { get; init; }
    /// <summary>The best validation score so far (−∞ before the first validation).</summary>
    public double BestScore { get; private set; } = double.NegativeInfinity;
    /// <summary>The step of <see cref="BestScore"/> (0 before the first validation).</summary>
    public long BestStep { get; private set; }

    private const string BestScoreKey = "loop.best_score", BestStepKey = "loop.best_step";

    /// <summary>Completed optimiser steps.</summary>
    public long Step => _optimizer.StepCount;

    public ResumableTraining(string checkpointPath, Module model, Optimizer optimizer, IReadOnlyDictionary<string, Rng> rngs, ILrSchedule schedule)
    {
        CheckpointPath = checkpointPath;
        (_model, _optimizer, _rngs, _schedule) = (model, optimizer, rngs, schedule);
    }

    /// <summary>Restores the checkpoint if it exists; returns its metadata, or null when there is none.</summary>
    public Dictionary<string, string>? TryResume()
    {
        if (!File.Exists(CheckpointPath)) return null;
        var metadata = TrainingCheckpoint.Load(CheckpointPath, _model, _optimizer, _rngs);
        if (metadata.TryGetValue(BestScoreKey, out var score) && metadata.TryGetValue(BestStepKey, out var step))
        {
            BestScore = double.Parse(score, System.Globalization.CultureInfo.InvariantCulture);
            BestStep = long.Parse(step, System.Globalization.CultureInfo.InvariantCulture);
        }
        return metadata;
    }

    /// <summary>Writes the checkpoint now (atomically).</summary>
    public void SaveCheckpoint()
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(CheckpointPath));
        if (dir != null) Directory.CreateDirectory(dir);
        var metadata = Metadata;
        if (BestStep > 0)
            metadata = new Dictionary<string, string>(Metadata ?? new Dictionary<string, string>())
            {
                [BestScoreKey] = BestScore.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                [BestStepKey] = BestStep.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
        TrainingCheckpoint.Save(CheckpointPath, _model, _optimizer, _rngs, metadata);
    }

    /// <summary>
    /// Trains until <paramref name="totalSteps"/> steps are done or <paramref name="cancellationToken"/> fires
    /// (checked between steps); writes a checkpoint at every multiple of <see cref="CheckpointEvery"/> and at the end.
    /// <paramref name="loss"/> gets the step index and returns the scalar loss to minimise (every tensor made during
    /// the step borrows its buffer from a <see cref="TensorArena"/> and is recycled when the step ends: keep numbers,
    /// not tensors, past it); <paramref name="onStep"/>
    /// gets the completed step count, the loss value and the learning-rate factor; <paramref name="onValidation"/> the
    /// step, the validation score and whether it is the best so far. Returns true when all steps are done.
    /// </summary>
    public bool Run(long totalSteps, Func<long, Tensor> loss, Action<long, float, float>? onStep = null, CancellationToken cancellationToken = default,
        Action<long, double, bool>? onValidation = null)
    {
        if (CheckpointEvery < 1) throw new ArgumentOutOfRangeException(nameof(CheckpointEvery));
        if (ValidateEvery < 0 || (ValidateEvery > 0 && Validate is null)) throw new ArgumentException("ValidateEvery needs a Validate function (and cannot be negative)");
        _model.Train();
        bool dirty = false;
        try
        {
            while (Step < totalSteps && !cancellationToken.IsCancellationRequested)
            {
                float factor = _schedule.Factor(Step);
                _optimizer.SetLrFactor(factor);
                _optimizer.ZeroGrad();
                float value;
                using (_arena.Step())
                {
                    var l = loss(Step);
                    value = l.Item();
                    if (!float.IsFinite(value)) throw new GrooveException($"training diverged at step {Step} (loss {value})");
                    l.Backward();
                    if (ClipPerParameter > 0) GradClip.ClipPerParameterNorm(_model.Parameters(), ClipPerParameter);
                    _optimizer.Step();
                }
                dirty = true;
                onStep?.Invoke(Step, value, factor);
                if (ValidateEvery > 0 && (Step % ValidateEvery == 0 || Step == totalSteps)) RunValidation(onValidation);
                if (Step % CheckpointEvery == 0) { SaveCheckpoint(); dirty = false; }
            }
        }
        finally
        {
            if (dirty) SaveCheckpoint();
        }
        return Step >= totalSteps;
    }

    /// <summary>Scores the current weights (in eval mode) and keeps them when they beat the best so far.</summary>
    private void RunValidation(Action<long, double, bool>? onValidation)
    {
        _model.Eval();
        double score;
        try { score = Validate!(); }
        finally { _model.Train(); }
        bool best = score > BestScore;
        if (best)
        {
            (BestScore, BestStep) = (score, Step);
            if (BestPath is not null)
            {
                var dir = Path.GetDirectoryName(Path.GetFullPath(BestPath));
                if (dir != null) Directory.CreateDirectory(dir);
                SafeTensors.Save(BestPath, _model.StateDict(), new Dictionary<string, string>
                {
                    [BestScoreKey] = score.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                    [BestStepKey] = Step.ToString(System.Globalization.CultureInfo.InvariantCulture),
                });
            }
        }
        onValidation?.Invoke(Step, score, best);
    }
}
