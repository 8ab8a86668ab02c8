namespace Groove.Tonality;

/// <summary>A named configuration of <see cref="ProfileKeyEstimator"/>.</summary>
/// <param name="Name">Short name used on the command line (<c>groove key --method</c>).</param>
/// <param name="Description">One line on what it is.</param>
/// <param name="Options">The estimator's settings.</param>
public sealed record KeyMethod(string Name, string Description, ProfileKeyOptions Options);

/// <summary>
/// The classical key-estimation methods Groove ships: the default (the settings of <c>new ProfileKeyOptions()</c> plus its fitted calibration,
/// chosen by the protocol of <c>bench/tonal/key-selection.sh</c>) and the alternatives it was chosen from.
/// </summary>
/// <remarks>
/// Each method's confidence is calibrated (<see cref="KeyConfidenceCalibration"/>): Platt scaling of the margin between
/// the two most similar keys, fitted by <c>bench/tonal/key-confidence.sh</c> (2026-12-07) on the 296 clips of the
/// rendered held-out sets nottingham-test, nottingham-test-varied and mma-test (never on gtzan20). Left-out-set
/// expected calibration error (fit on two sets, 10 bins on the third): cqt 0.052 / 0.065 / 0.079, hpcp 0.020 / 0.012
/// / 0.037, essentia 0.108 / 0.072 / 0.085. On gtzan20's 17 real clips (a check, not fitted) the ECE is cqt 0.145,
/// hpcp 0.297, essentia 0.369 (17 clips, so coarse): cqt's mean confidence there is 0.69 for 77 % right (a little
/// low), hpcp's 0.85 for 59 % and essentia's too high as well: rendered music is not recordings. A changed profile
/// (<c>--profile</c>) or a STONE model is not calibrated.
/// </remarks>
public static class KeyMethods
{
    /// <summary>The default method's name.</summary>
    public const string DefaultName = "cqt";

    /// <summary>All methods, the default first.</summary>
    public static IReadOnlyList<KeyMethod> All { get; } =
    [
        new(DefaultName, "tuned CQT chroma (amplitude-weighted spectral peaks), Albrecht-Shanahan profiles, cosine (the default)",
            new ProfileKeyOptions { Calibration = new(0.050430979134898614, 47.312162194631156) }),
        new("hpcp", "whitened HPCP (spectral peaks 50 Hz-5 kHz, 4 harmonics summed), Albrecht-Shanahan profiles spread over 4 harmonics, cosine, gate 0.2",
            new ProfileKeyOptions
            {
                Chroma = KeyChroma.Hpcp,
                Hpcp = new HpcpOptions(),
                Profile = KeyProfile.AlbrechtShanahan, Similarity = KeySimilarity.Cosine, ChromaGate = 0.2, ProfileHarmonics = 4,
                Calibration = new(1.0638702595679137, 37.92485355285857),
            }),
        new("essentia", "after essentia's KeyExtractor: whitened HPCP 25 Hz-3.5 kHz, bgate profiles, Pearson, gate 0.2",
            new ProfileKeyOptions
            {
                Chroma = KeyChroma.Hpcp,
                Hpcp = new HpcpOptions { MinFrequency = 25, MaxFrequency = 3500 },
                Profile = KeyProfile.BeatportGated, Similarity = KeySimilarity.Pearson, ChromaGate = 0.2, ProfileHarmonics = 1,
                Calibration = new(-0.13251421317861367, 15.174487158627226),
            }),
    ];

    /// <summary>The default method.</summary>
    public static KeyMethod Default => All[0];

    /// <summary>The method called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static ProfileKeyOptions? Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))?.Options;
}
