using Groove.IO.Annotations;
using Groove.Rhythm;
using Groove.Tonality;

namespace Groove.Analysis;

/// <summary>What <see cref="Analyzer"/> found in one recording.</summary>
/// <param name="Audio">The audio as loaded (<see cref="AnalysisOptions.Load"/>); null when a long recording was
/// analysed in blocks and never held whole (<see cref="AnalysisOptions.BlocksAbove"/>).</param>
/// <param name="Beats">Beats, downbeats, the main tempo and the activation; null when beats were not asked for.</param>
/// <param name="Tempo">The MIREX tempo triple (<see cref="MirexTempo"/>); null when beats were not asked for.</param>
/// <param name="Key">Global key, key over time and tuning; null when the key was not asked for.</param>
public sealed record AnalysisResult(AudioBuffer? Audio, BeatTrackingResult? Beats, TempoAnnotation? Tempo, KeyAnalysis? Key)
{
    /// <summary>Duration of the recording in seconds.</summary>
    public double Duration { get; init; } = Audio?.Duration ?? 0;

    /// <summary>Its sample rate (Hz) as analysed.</summary>
    public int SampleRate { get; init; } = Audio?.SampleRate ?? 0;

    /// <summary>Its channel count as analysed.</summary>
    public int ChannelCount { get; init; } = Audio?.ChannelCount ?? 0;

    /// <summary>True when the recording was analysed in blocks (<see cref="Audio"/> is then null).</summary>
    public bool InBlocks => Audio is null;
}

/// <summary>The stages <see cref="Analyzer"/> reports progress for, in order.</summary>
public enum AnalysisStage { Decoding, Beats, Key }

/// <summary>Progress of one stage: <paramref name="Fraction"/> in [0, 1] of <paramref name="Stage"/>.</summary>
public readonly record struct AnalysisProgress(AnalysisStage Stage, double Fraction);
