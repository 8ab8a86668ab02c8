using Groove.Audio;

namespace Groove.Tonality;

/// <summary>Estimates the global key of audio. Implementations are thread-safe.</summary>
public interface IKeyEstimator
{
    string Name { get; }
    KeyEstimate Estimate(AudioBuffer audio, Action<string>? onWarning = null, CancellationToken cancellationToken = default);
}

/// <summary>A key: tonic pitch class (0 = C … 11 = B) and mode.</summary>
public readonly record struct MusicalKey(int Tonic, KeyMode Mode)
{
    private static readonly string[] Names = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
    public override string ToString() => $"{Names[Tonic]} {(Mode == KeyMode.Major ? "major" : "minor")}";
}

public enum KeyMode { Major, Minor }

/// <summary>The estimated key, its confidence in [0, 1], and scores for all 24 keys (index = mode·12 + tonic, major first).</summary>
public sealed record KeyEstimate(MusicalKey Key, double Confidence, float[] Scores);
