namespace Groove.Tonality;

/// <summary>A named configuration of <see cref="ProfileKeyEstimator"/>.</summary>
/// <param name="Name">Short name used on the command line (<c>groove key --method</c>).</param>
/// <param name="Description">One line on what it is.</param>
/// <param name="Options">The estimator's settings.</param>
public sealed record KeyMethod(string Name, string Description, ProfileKeyOptions Options);

/// <summary>
/// The classical key-estimation methods Groove ships: the default (the settings of <c>new ProfileKeyOptions()</c>,
/// chosen by the protocol of <c>bench/tonal/key-selection.sh</c>) and the alternatives it was chosen from.
/// </summary>
public static class KeyMethods
{
    /// <summary>The default method's name.</summary>
    public const string DefaultName = "cqt";

    private static readonly ProfileKeyOptions Hpcp = new()
    {
        Chroma = KeyChroma.Hpcp,
        Hpcp = new HpcpOptions(),
        Profile = KeyProfile.AlbrechtShanahan, Similarity = KeySimilarity.Cosine, ChromaGate = 0.2, ProfileHarmonics = 4,
    };

    private static readonly ProfileKeyOptions Essentia = new()
    {
        Chroma = KeyChroma.Hpcp,
        Hpcp = new HpcpOptions { MinFrequency = 25, MaxFrequency = 3500 },
        Profile = KeyProfile.BeatportGated, Similarity = KeySimilarity.Pearson, ChromaGate = 0.2, ProfileHarmonics = 1,
    };

    /// <summary>All methods, the default first.</summary>
    public static IReadOnlyList<KeyMethod> All { get; } =
    [
        new(DefaultName, "tuned CQT chroma (amplitude-weighted spectral peaks), Albrecht-Shanahan profiles, cosine (the default)",
            new ProfileKeyOptions()),
        new("hpcp", "whitened HPCP (spectral peaks 50 Hz-5 kHz, 4 harmonics summed), Albrecht-Shanahan profiles spread over 4 harmonics, cosine, gate 0.2",
            Hpcp),
        new("essentia", "after essentia's KeyExtractor: whitened HPCP 25 Hz-3.5 kHz, bgate profiles, Pearson, gate 0.2",
            Essentia),
        new("cqt+hpcp", "cqt and hpcp together: each one's 24 key scores z-normalised, then added",
            new ProfileKeyOptions { CombineWith = Hpcp }),
        new("cqt+essentia", "cqt and essentia together: each one's 24 key scores z-normalised, then added",
            new ProfileKeyOptions { CombineWith = Essentia }),
    ];

    /// <summary>The default method.</summary>
    public static KeyMethod Default => All[0];

    /// <summary>The method called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static ProfileKeyOptions? Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))?.Options;
}
