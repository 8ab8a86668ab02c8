namespace Groove.Tonality;

/// <summary>A named configuration of <see cref="ProfileKeyEstimator"/> (a classical key method).</summary>
/// <param name="Name">Short name used on the command line (<c>groove key --method</c>).</param>
/// <param name="Description">One line on what it is.</param>
/// <param name="Options">The estimator's settings.</param>
public sealed record KeyMethod(string Name, string Description, ProfileKeyOptions Options);

/// <summary>
/// A named key method built on a shipped STONE model (<see cref="Stone.StoneKeyEstimator"/>): the model's key signature,
/// with the mode decided by the classical <see cref="KeyMethods.Classical"/> method when <paramref name="ModeFromProfile"/>.
/// </summary>
/// <param name="Name">Short name used on the command line (<c>groove key --method</c>).</param>
/// <param name="Description">One line on what it is.</param>
/// <param name="Model">The shipped model's name (<see cref="Models.ModelRegistry"/>).</param>
/// <param name="ModeFromProfile">Take major/minor from the classical method within the model's key signature.</param>
/// <param name="Calibration">Platt scaling of the margin between the two best of the 24 combined key scores.</param>
public sealed record LearnedKeyMethod(string Name, string Description, string Model, bool ModeFromProfile, KeyConfidenceCalibration? Calibration)
{
    /// <summary>
    /// The estimator of this method: its model (loaded from <see cref="Models.ModelRegistry"/>) with
    /// <paramref name="modeEstimator"/> deciding the mode; <paramref name="calibrated"/> false leaves the confidence
    /// uncalibrated (the calibration was fitted with the classical default's mode decision).
    /// </summary>
    public Stone.StoneKeyEstimator CreateEstimator(ProfileKeyEstimator modeEstimator, bool calibrated = true) =>
        new(Stone.StoneModel.Load(Models.ModelRegistry.Resolve(Model)), Model, modeEstimator, ModeFromProfile, calibrated ? Calibration : null);
}

/// <summary>
/// The key-estimation methods Groove ships. The default, <c>stone</c>, is learned: the key signature from the STONE
/// model <c>stone24-corpus</c> and the mode from the classical <c>cqt</c> method, chosen over <c>cqt</c> by the rule
/// pre-registered in <c>bench/tonal/key-candidates-s6.md</c> (rendered held-out sets only; see
/// <c>models/stone24-corpus.md</c>). The classical methods: <c>cqt</c> (the settings of <c>new ProfileKeyOptions()</c>
/// plus its fitted calibration, chosen by the protocol of <c>bench/tonal/key-selection.sh</c>), the alternatives it was
/// chosen from, and their combinations.
/// </summary>
/// <remarks>
/// Each method's confidence is calibrated (<see cref="KeyConfidenceCalibration"/>): Platt scaling of the margin between
/// the two most similar keys, fitted by <c>bench/tonal/key-confidence.sh</c> (2026-12-07) on the 296 clips of the
/// rendered held-out sets nottingham-test, nottingham-test-varied and mma-test (never on gtzan20). Left-out-set
/// expected calibration error (fit on two sets, 10 bins on the third): cqt 0.052 / 0.065 / 0.079, hpcp 0.020 / 0.012
/// / 0.037, essentia 0.108 / 0.072 / 0.085. On gtzan20's 17 real clips (a check, not fitted) the ECE is cqt 0.145,
/// hpcp 0.297, essentia 0.369 (17 clips, so coarse): cqt's mean confidence there is 0.69 for 77 % right (a little
/// low), hpcp's 0.85 for 59 % and essentia's too high as well: rendered music is not recordings. A changed profile
/// (<c>--profile</c>), a STONE model and the combinations <c>cqt+hpcp</c> and <c>cqt+essentia</c> (added after that
/// fit) are not calibrated. The learned default <c>stone</c> is calibrated the same way on the same sets (its margin:
/// best minus second of its 24 combined key scores), by the same bench (2026-12-08): left-out-set ECE 0.046 / 0.052 /
/// 0.057 (its raw score: 0.074 / 0.070 / 0.065); on gtzan20 (a check, 17 clips) ECE 0.301 against the raw score's
/// 0.116: fitted on rendered music, it is overconfident on recordings, like hpcp and essentia.
/// </remarks>
public static class KeyMethods
{
    /// <summary>The default method's name (learned: <see cref="Learned"/>).</summary>
    public const string DefaultName = "stone";

    /// <summary>The default classical method's name: the one <see cref="ProfileKeyEstimator"/> runs by default and the
    /// one that decides major/minor for a STONE key signature.</summary>
    public const string ClassicalName = "cqt";

    private static readonly ProfileKeyOptions Hpcp = new()
    {
        Chroma = KeyChroma.Hpcp,
        Hpcp = new HpcpOptions(),
        Profile = KeyProfile.AlbrechtShanahan, Similarity = KeySimilarity.Cosine, ChromaGate = 0.2, ProfileHarmonics = 4,
        Calibration = new(1.0638702595679137, 37.92485355285857),
    };

    private static readonly ProfileKeyOptions Essentia = new()
    {
        Chroma = KeyChroma.Hpcp,
        Hpcp = new HpcpOptions { MinFrequency = 25, MaxFrequency = 3500 },
        Profile = KeyProfile.BeatportGated, Similarity = KeySimilarity.Pearson, ChromaGate = 0.2, ProfileHarmonics = 1,
        Calibration = new(-0.13251421317861367, 15.174487158627226),
    };

    /// <summary>The learned methods, the default first.</summary>
    public static IReadOnlyList<LearnedKeyMethod> Learned { get; } =
    [
        new(DefaultName, "key signature from the STONE model stone24-corpus, major/minor from cqt within it (the default)",
            "stone24-corpus", ModeFromProfile: true, Calibration: new(-0.5544236202135115, 5.165415732272593)),
    ];

    /// <summary>Every method's name, the default first.</summary>
    public static IEnumerable<string> Names => Learned.Select(m => m.Name).Concat(All.Select(m => m.Name));

    /// <summary>The learned method called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static LearnedKeyMethod? FindLearned(string name) =>
        Learned.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The classical methods, the default classical method first.</summary>
    public static IReadOnlyList<KeyMethod> All { get; } =
    [
        new(ClassicalName, "tuned CQT chroma (amplitude-weighted spectral peaks), Albrecht-Shanahan profiles, cosine (the default classical method)",
            new ProfileKeyOptions { Calibration = new(0.050430979134898614, 47.312162194631156) }),
        new("hpcp", "whitened HPCP (spectral peaks 50 Hz-5 kHz, 4 harmonics summed), Albrecht-Shanahan profiles spread over 4 harmonics, cosine, gate 0.2",
            Hpcp),
        new("essentia", "after essentia's KeyExtractor: whitened HPCP 25 Hz-3.5 kHz, bgate profiles, Pearson, gate 0.2",
            Essentia),
        new("cqt+hpcp", "cqt and hpcp together: each one's 24 key scores z-normalised, then added",
            new ProfileKeyOptions { CombineWith = Hpcp }),
        new("cqt+essentia", "cqt and essentia together: each one's 24 key scores z-normalised, then added",
            new ProfileKeyOptions { CombineWith = Essentia }),
    ];

    /// <summary>The default classical method (<see cref="ClassicalName"/>).</summary>
    public static KeyMethod Classical => All[0];

    /// <summary>The classical method called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static ProfileKeyOptions? Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))?.Options;
}
