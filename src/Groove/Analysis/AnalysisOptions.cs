using Groove.Audio;
using Groove.Rhythm;
using Groove.Tonality;

namespace Groove.Analysis;

/// <summary>
/// What <see cref="Analyzer"/> loads and computes. The defaults are what <c>groove analyze</c>, <c>beats</c>,
/// <c>tempo</c>, <c>key</c>, the web app and <c>groove eval</c> run: the file at its own rate and channels (each
/// stage mixes and resamples to what it needs), the classical beat tracker, the default key method (stone).
/// </summary>
public sealed record AnalysisOptions
{
    /// <summary>How files are decoded (rate, channels, length limit); the default keeps the file's own rate and channels.</summary>
    public AudioLoadOptions Load { get; init; } = new();

    /// <summary>
    /// Files longer than this are analysed in blocks (<see cref="Analyzer"/>: decoded twice, never held whole, memory
    /// that does not grow with the length beyond a few values per 10 ms frame), when the components allow it: the
    /// classical beat tracker and the classical CQT key methods (the default stone method falls back to cqt there), the file's own rate and channels. Results equal the
    /// whole-file analysis up to rounding (and the tuning's median, see <c>TuningEstimator</c>). Null: never;
    /// <see cref="TimeSpan.Zero"/>: every file that allows it. <see cref="AudioLoadOptions.MaxDuration"/> still applies.
    /// </summary>
    public TimeSpan? BlocksAbove { get; init; } = DefaultBlocksAbove;

    /// <summary>The default <see cref="BlocksAbove"/>: 10 minutes (shorter files are held whole: faster, and at most
    /// about 200 MB for 44.1 kHz stereo).</summary>
    public static readonly TimeSpan DefaultBlocksAbove = TimeSpan.FromMinutes(10);

    /// <summary>Find beats, downbeats and the tempo.</summary>
    public bool Beats { get; init; } = true;

    /// <summary>Find the key (global, over time, and the tuning).</summary>
    public bool Key { get; init; } = true;

    /// <summary>Beat tracker by name (<see cref="BeatTrackers.Create"/>: classical, ellis, or a trained model's .safetensors).</summary>
    public string BeatTracker { get; init; } = BeatTrackers.DefaultName;

    /// <summary>The key method by name (<see cref="KeyMethods"/>: the learned default stone; the classical cqt, hpcp,
    /// essentia, cqt+hpcp, cqt+essentia), or a STONE model's name (then the classical default gives the mode, as with
    /// <see cref="KeyModel"/>). Files analysed in blocks (<see cref="BlocksAbove"/>) get the key of stone's classical
    /// part (cqt), with a warning.</summary>
    public string KeyMethod { get; init; } = KeyMethods.DefaultName;

    /// <summary>Key templates replacing the method's, by name (<see cref="Tonality.KeyProfile.Find"/>); null: the method's own.</summary>
    public string? KeyProfile { get; init; }

    /// <summary>A trained STONE model for the key (stone12, stone24, or a .safetensors path); null: the classical estimate.</summary>
    public string? KeyModel { get; init; }

    /// <summary>With a 24-output <see cref="KeyModel"/>: take major/minor from the profile estimator within the model's key signature.</summary>
    public bool KeyModeFromProfile { get; init; }
}
