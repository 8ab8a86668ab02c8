using Groove.Nn;

namespace Groove.Training;

/// <summary>
/// A resumable optimisation loop: each step sets the learning rate from a schedule, computes a loss, back-propagates,
/// clips every parameter's gradient separately and updates; a full <see cref="TrainingCheckpoint"/> (model,
/// optimiser, named random generators) is written atomically every <see cref="CheckpointEvery"/> steps, when the run
/// ends and when it is cancelled, so that <see cref="TryResume"/> followed by <see cref="Run"/> continues
/// bit-for-bit as if the run had not stopped (provided the loss function draws its randomness only from the
/// registered generators).
/// </summary>
public sealed class ResumableTraining
{
    private readonly Module _model;
    private readonly Optimizer _optimizer;
    private readonly IReadOnlyDictionary<string, Rng> _rngs;
    private readonly ILrSchedule _schedule;

    /// <summary>Where checkpoints are written.</summary>
    public string CheckpointPath { get; }
    /// <summary>Steps between checkpoints (≥ 1).</summary>
    public int CheckpointEvery { get; init; } = 100;
    /// <summary>Largest L2 norm of each parameter's gradient; 0 = no clipping.</summary>
    public float ClipPerParameter { get; init; } = 1f;
    /// <summary>Metadata stored in every checkpoint (e.g. the run's settings), returned by <see cref="TryResume"/>.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Completed optimiser steps.</summary>
    public long Step => _optimizer.StepCount;

    public ResumableTraining(string checkpointPath, Module model, Optimizer optimizer, IReadOnlyDictionary<string, Rng> rngs, ILrSchedule schedule)
    {
        CheckpointPath = checkpointPath;
        (_model, _optimizer, _rngs, _schedule) = (model, optimizer, rngs, schedule);
    }

    /// <summary>Restores the checkpoint if it exists; returns its metadata, or null when there is none.</summary>
    public Dictionary<string, string>? TryResume() =>
        File.Exists(CheckpointPath) ? TrainingCheckpoint.Load(CheckpointPath, _model, _optimizer, _rngs) : null;

    /// <summary>Writes the checkpoint now (atomically).</summary>
    public void SaveCheckpoint()
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(CheckpointPath));
        if (dir != null) Directory.CreateDirectory(dir);
        TrainingCheckpoint.Save(CheckpointPath, _model, _optimizer, _rngs, Metadata);
    }

    /// <summary>
    /// Trains until <paramref name="totalSteps"/> steps are done or <paramref name="cancellationToken"/> fires
    /// (checked between steps); writes a checkpoint at every multiple of <see cref="CheckpointEvery"/> and at the end.
    /// <paramref name="loss"/> gets the step index and returns the scalar loss to minimise; <paramref name="onStep"/>
    /// gets the completed step count, the loss value and the learning-rate factor. Returns true when all steps are done.
    /// </summary>
    public bool Run(long totalSteps, Func<long, Tensor> loss, Action<long, float, float>? onStep = null, CancellationToken cancellationToken = default)
    {
        if (CheckpointEvery < 1) throw new ArgumentOutOfRangeException(nameof(CheckpointEvery));
        _model.Train();
        bool dirty = false;
        try
        {
            while (Step < totalSteps && !cancellationToken.IsCancellationRequested)
            {
                float factor = _schedule.Factor(Step);
                _optimizer.SetLrFactor(factor);
                _optimizer.ZeroGrad();
                var l = loss(Step);
                float value = l.Item();
                if (!float.IsFinite(value)) throw new GrooveException($"training diverged at step {Step} (loss {value})");
                l.Backward();
                if (ClipPerParameter > 0) GradClip.ClipPerParameterNorm(_model.Parameters(), ClipPerParameter);
                _optimizer.Step();
                dirty = true;
                onStep?.Invoke(Step, value, factor);
                if (Step % CheckpointEvery == 0) { SaveCheckpoint(); dirty = false; }
            }
        }
        finally
        {
            if (dirty) SaveCheckpoint();
        }
        return Step >= totalSteps;
    }
}
