namespace Groove.Evaluation.FewShot;

/// <summary>Configuration of the few-shot beat-tracking protocol (<see cref="FewShotProtocol"/>).</summary>
public sealed record FewShotOptions
{
    /// <summary>Training-set sizes k (labelled tracks); 0 scores the model as it is (untrained or pretrained).</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [1, 2, 4, 8];
    /// <summary>Runs per size (a fresh training-track sample and initialisation each).</summary>
    public int Runs { get; init; } = 10;
    /// <summary>Master seed: the same seed and data give identical results.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Tracks held out for testing (fixed over runs); default: 30 % of the dataset.</summary>
    public int? TestCount { get; init; }
    /// <summary>Tracks used for early stopping (fixed over runs).</summary>
    public int ValidationCount { get; init; } = 3;
    /// <summary>Maximum epochs; each epoch is <see cref="StepsPerEpoch"/> optimisation steps followed by validation.</summary>
    public int Epochs { get; init; } = 20;
    /// <summary>Optimisation steps per epoch.</summary>
    public int StepsPerEpoch { get; init; } = 25;
    /// <summary>Excerpts per batch.</summary>
    public int BatchSize { get; init; } = 4;
    /// <summary>Length of the random training excerpts in seconds.</summary>
    public double ExcerptSeconds { get; init; } = 8;
    /// <summary>Stop after this many epochs without a better validation F-measure.</summary>
    public int Patience { get; init; } = 5;

    internal void Validate()
    {
        if (Sizes.Count == 0 || Sizes.Any(k => k < 0)) throw new GrooveException("--sizes must list training-set sizes ≥ 0");
        if (Runs < 1) throw new GrooveException("--runs must be at least 1");
        if (Epochs < 1 || StepsPerEpoch < 1 || BatchSize < 1 || Patience < 1) throw new GrooveException("--epochs, --steps, --batch and --patience must be at least 1");
        if (ValidationCount < 1) throw new GrooveException("--val must be at least 1");
        if (TestCount is < 1) throw new GrooveException("--test must be at least 1");
        if (!(ExcerptSeconds > 0)) throw new GrooveException("--excerpt must be positive");
    }
}
