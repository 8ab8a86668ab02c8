using Groove.Audio;
using Groove.Rhythm;
using Groove.Tonality;

namespace Groove.Analysis;

/// <summary>
/// What <see cref="Analyzer"/> loads and computes. The defaults are what <c>groove analyze</c>, <c>beats</c>,
/// <c>tempo</c>, <c>key</c>, the web app and <c>groove eval</c> run: the file at its own rate and channels (each
/// stage mixes and resamples to what it needs), the classical beat tracker, the albrecht key profile.
/// </summary>
public sealed record AnalysisOptions
{
    /// <summary>How files are decoded (rate, channels, length limit); the default keeps the file's own rate and channels.</summary>
    public AudioLoadOptions Load { get; init; } = new();

    /// <summary>Find beats, downbeats and the tempo.</summary>
    public bool Beats { get; init; } = true;

    /// <summary>Find the key (global, over time, and the tuning).</summary>
    public bool Key { get; init; } = true;

    /// <summary>Beat tracker by name (<see cref="BeatTrackers.Create"/>: classical, ellis, or a trained model's .safetensors).</summary>
    public string BeatTracker { get; init; } = BeatTrackers.DefaultName;

    /// <summary>Key templates of the classical key estimator, by name (<see cref="Tonality.KeyProfile.Find"/>).</summary>
    public string KeyProfile { get; init; } = Tonality.KeyProfile.AlbrechtShanahan.Name;

    /// <summary>A trained STONE model for the key (stone12, stone24, or a .safetensors path); null: the classical estimate.</summary>
    public string? KeyModel { get; init; }

    /// <summary>With a 24-output <see cref="KeyModel"/>: take major/minor from the profile estimator within the model's key signature.</summary>
    public bool KeyModeFromProfile { get; init; }
}
