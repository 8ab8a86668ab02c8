using Groove.Audio;

namespace Groove.Tonality;

/// <summary>Estimates the global key of audio. Implementations are thread-safe.</summary>
public interface IKeyEstimator
{
    string Name { get; }
    KeyEstimate Estimate(AudioBuffer audio, Action<string>? onWarning = null, CancellationToken cancellationToken = default);
}

/// <summary>
/// The estimated key, its confidence in [0, 1], and scores for all 24 keys (index = mode·12 + tonic, major first).
/// When the audio holds nothing to tell a key from (silence, a fragment), <see cref="NoKeyReason"/> says why,
/// <see cref="Confidence"/> is 0 and every score is 0; <see cref="Key"/> then means nothing.
/// </summary>
public sealed record KeyEstimate(MusicalKey Key, double Confidence, float[] Scores)
{
    /// <summary>Why no key was estimated ("the audio is silent"); null when <see cref="Key"/> holds an estimate.</summary>
    public string? NoKeyReason { get; init; }

    /// <summary>True when <see cref="Confidence"/> is a calibrated probability that <see cref="Key"/> is right (the
    /// shipped classical methods, <see cref="KeyMethods"/>); false when it is a model's or a softmax's score, which
    /// orders estimates but overstates or understates how often they are right.</summary>
    public bool ConfidenceCalibrated { get; init; }

    /// <summary>True when <see cref="Key"/> holds an estimate.</summary>
    public bool HasKey => NoKeyReason is null;

    /// <summary>The key as text ("F# minor"), or "no key" when there is none.</summary>
    public string Label => HasKey ? Key.ToString() : NoKeyLabel;

    /// <summary>What is shown and written in place of a key when there is none.</summary>
    public const string NoKeyLabel = "no key";

    /// <summary>An estimate that holds no key, with the reason and confidence 0.</summary>
    public static KeyEstimate None(string reason) => new(default, 0, new float[24]) { NoKeyReason = reason };
}
