using Groove.Audio;

namespace Groove.Tonality;

/// <summary>Estimates the global key of audio. Implementations are thread-safe.</summary>
public interface IKeyEstimator
{
    string Name { get; }
    KeyEstimate Estimate(AudioBuffer audio, Action<string>? onWarning = null, CancellationToken cancellationToken = default);
}

/// <summary>The estimated key, its confidence in [0, 1], and scores for all 24 keys (index = mode·12 + tonic, major first).</summary>
public sealed record KeyEstimate(MusicalKey Key, double Confidence, float[] Scores);
