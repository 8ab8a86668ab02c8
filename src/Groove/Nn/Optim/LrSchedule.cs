namespace Groove.Nn;

/// <summary>A learning-rate multiplier as a function of the optimiser step (apply with <see cref="Optimizer.SetLrFactor"/>).</summary>
public interface ILrSchedule
{
    float Factor(long step);
}

/// <summary>
/// Linear warm-up (factor (step+1)/warmupSteps, reaching 1 at the last warm-up step), then half-cosine decay from 1
/// to <c>minFactor</c> at <c>totalSteps</c>, constant afterwards.
/// </summary>
public sealed class WarmupCosineSchedule(long warmupSteps, long totalSteps, float minFactor = 0f) : ILrSchedule
{
    public float Factor(long step)
    {
        if (warmupSteps > 0 && step < warmupSteps) return (step + 1) / (float)warmupSteps;
        long span = Math.Max(totalSteps - warmupSteps, 1);
        double progress = Math.Clamp((step - warmupSteps) / (double)span, 0, 1);
        return (float)(minFactor + (1 - minFactor) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}

/// <summary>Staircase exponential decay: γ^⌊step / stepsPerDecay⌋ (stepsPerDecay = 1 decays every step).</summary>
public sealed class ExponentialSchedule(double gamma, long stepsPerDecay = 1) : ILrSchedule
{
    public float Factor(long step) => (float)Math.Pow(gamma, step / Math.Max(stepsPerDecay, 1));
}
