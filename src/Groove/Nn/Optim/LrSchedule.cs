namespace Groove.Nn;

/// <summary>A learning-rate multiplier as a function of the optimiser step (apply with <see cref="Optimizer.SetLrFactor"/>).</summary>
public interface ILrSchedule
{
    float Factor(long step);
}

/// <summary>Linear warm-up from 0 to 1 over <c>warmupSteps</c>, then half-cosine decay to <c>minFactor</c> at <c>totalSteps</c>.</summary>
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

/// <summary>γ^(step / stepsPerDecay).</summary>
public sealed class ExponentialSchedule(double gamma, long stepsPerDecay = 1) : ILrSchedule
{
    public float Factor(long step) => (float)Math.Pow(gamma, step / Math.Max(stepsPerDecay, 1));
}
