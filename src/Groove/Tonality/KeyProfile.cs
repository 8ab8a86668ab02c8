namespace Groove.Tonality;

/// <summary>How a chroma vector is compared with a key template.</summary>
public enum KeySimilarity
{
    /// <summary>Pearson correlation (Krumhansl 1990's key-finding algorithm).</summary>
    Pearson,
    /// <summary>Cosine similarity, i.e. Euclidean distance of unit-length vectors (Albrecht &amp; Shanahan 2013).</summary>
    Cosine,
}

/// <summary>
/// A pair of 12-value pitch-class templates (index 0 = tonic) for major and minor keys, correlated with a chroma
/// vector in all 12 rotations to score the 24 keys.
/// </summary>
public sealed class KeyProfile
{
    private KeyProfile(string name, string description, double[] major, double[] minor)
    {
        Name = name;
        Description = description;
        Major = major;
        Minor = minor;
    }

    /// <summary>Short name used on the command line.</summary>
    public string Name { get; }
    public string Description { get; }
    public IReadOnlyList<double> Major { get; }
    public IReadOnlyList<double> Minor { get; }

    /// <summary>Krumhansl &amp; Kessler (1982), probe-tone ratings ("Tracing the dynamic changes in perceived tonal
    /// organization in a spatial representation of musical keys", Psychological Review 89).</summary>
    public static KeyProfile KrumhanslKessler { get; } = new("krumhansl", "Krumhansl-Kessler probe-tone ratings (1982)",
        [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88],
        [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]);

    /// <summary>Temperley (2005/2007, "Music and Probability"): pitch-class frequencies in the Kostka–Payne
    /// harmony-textbook excerpts.</summary>
    public static KeyProfile Temperley { get; } = new("temperley", "Temperley, Kostka-Payne corpus (2007)",
        [0.748, 0.060, 0.488, 0.082, 0.670, 0.460, 0.096, 0.715, 0.104, 0.366, 0.057, 0.400],
        [0.712, 0.084, 0.474, 0.618, 0.049, 0.460, 0.105, 0.747, 0.404, 0.067, 0.133, 0.330]);

    /// <summary>Albrecht &amp; Shanahan (2013), "The use of large corpora to train a new type of key-finding
    /// algorithm", Music Perception 31: duration-weighted pitch-class distributions of a classical corpus.</summary>
    public static KeyProfile AlbrechtShanahan { get; } = new("albrecht", "Albrecht-Shanahan corpus profiles (2013)",
        [0.238, 0.006, 0.111, 0.006, 0.137, 0.094, 0.016, 0.214, 0.009, 0.080, 0.008, 0.081],
        [0.220, 0.006, 0.104, 0.123, 0.019, 0.103, 0.012, 0.214, 0.062, 0.022, 0.061, 0.052]);

    /// <summary>Faraldo, Gómez, Jordà &amp; Herrera (2016), "Key estimation in electronic dance music" (ECIR):
    /// median HPCP profiles of electronic dance music ("edma"), as published with essentia's <c>Key</c> algorithm.
    /// (Groove shipped a reconstruction of these curves under the same name before; these are the published values.)</summary>
    public static KeyProfile Edm { get; } = new("edma", "EDM corpus profiles (Faraldo et al. 2016, edma)",
        [1.00, 0.29, 0.50, 0.40, 0.60, 0.56, 0.32, 0.80, 0.31, 0.45, 0.42, 0.39],
        [1.00, 0.31, 0.44, 0.58, 0.33, 0.49, 0.29, 0.78, 0.43, 0.29, 0.53, 0.32]);

    /// <summary>Faraldo, Jordà &amp; Herrera (2017), "A multi-profile method for key estimation in EDM" (AES Semantic
    /// Audio): median HPCP profiles of a Beatport subset ("braw").</summary>
    public static KeyProfile BeatportRaw { get; } = new("braw", "Beatport median profiles (Faraldo et al. 2017, braw)",
        [1.0000, 0.1573, 0.4200, 0.1570, 0.5296, 0.3669, 0.1632, 0.7711, 0.1676, 0.3827, 0.2113, 0.2965],
        [1.0000, 0.2330, 0.3615, 0.3905, 0.2925, 0.3777, 0.1961, 0.7425, 0.2701, 0.2161, 0.4228, 0.2272]);

    /// <summary>Faraldo et al. (2017) "bgate": <see cref="BeatportRaw"/> with its four least relevant classes of
    /// each mode set to zero (the default profile of essentia's KeyExtractor).</summary>
    public static KeyProfile BeatportGated { get; } = new("bgate", "Beatport gated profiles (Faraldo et al. 2017, bgate)",
        [1.00, 0.00, 0.42, 0.00, 0.53, 0.37, 0.00, 0.77, 0.00, 0.38, 0.21, 0.30],
        [1.00, 0.00, 0.36, 0.39, 0.00, 0.38, 0.00, 0.74, 0.27, 0.00, 0.42, 0.23]);

    /// <summary>Temperley (1999), "What's key for key? The Krumhansl-Schmuckler key-finding algorithm reconsidered",
    /// Music Perception 17(1): the revised probe-tone-style profiles.</summary>
    public static KeyProfile Temperley1999 { get; } = new("temperley99", "Temperley's revised Krumhansl-Schmuckler profiles (1999)",
        [5.0, 2.0, 3.5, 2.0, 4.5, 4.0, 2.0, 4.5, 2.0, 3.5, 1.5, 4.0],
        [5.0, 2.0, 3.5, 4.5, 2.0, 4.0, 2.0, 4.5, 3.5, 2.0, 1.5, 4.0]);

    /// <summary>Sha'ath (2011), "Estimation of key in digital music recordings" (MSc thesis, Birkbeck): Krumhansl's
    /// profiles adjusted for popular and electronic music.</summary>
    public static KeyProfile Shaath { get; } = new("shaath", "Sha'ath's adjusted Krumhansl profiles (2011)",
        [6.6, 2.0, 3.5, 2.3, 4.6, 4.0, 2.5, 5.2, 2.4, 3.7, 2.3, 3.4],
        [6.5, 2.7, 3.5, 5.4, 2.6, 3.5, 2.5, 5.2, 4.0, 2.7, 4.3, 3.2]);

    /// <summary>Gómez (2006), "Tonal description of music audio signals" (PhD thesis, UPF): profiles for HPCPs,
    /// as tabulated by Sha'ath (2011).</summary>
    public static KeyProfile Gomez { get; } = new("gomez", "Gómez HPCP profiles (2006)",
        [0.82, 0.00, 0.55, 0.00, 0.53, 0.30, 0.08, 1.00, 0.00, 0.38, 0.00, 0.47],
        [0.81, 0.00, 0.53, 0.54, 0.00, 0.27, 0.07, 1.00, 0.27, 0.07, 0.10, 0.36]);

    /// <summary>Noland &amp; Sandler (2007), "Signal processing parameters for tonality estimation" (AES): chroma
    /// profiles of Bach's Well-Tempered Clavier.</summary>
    public static KeyProfile Noland { get; } = new("noland", "Noland's Well-Tempered Clavier chroma profiles (2007)",
        [0.0629, 0.0146, 0.0610, 0.0121, 0.0623, 0.0414, 0.0248, 0.0631, 0.0150, 0.0521, 0.0142, 0.0478],
        [0.0682, 0.0138, 0.0543, 0.0519, 0.0234, 0.0544, 0.0176, 0.0670, 0.0349, 0.0297, 0.0401, 0.0270]);

    /// <summary>Sha'ath's libKeyFinder (version 2) profiles, measured on chromagrams of recordings (octave weights
    /// left out: Groove's chroma is folded to one octave).</summary>
    public static KeyProfile KeyFinder { get; } = new("keyfinder", "libKeyFinder chromagram profiles (Sha'ath)",
        [7.2390, 3.5035, 3.5845, 2.8451, 5.8190, 4.5587, 2.4478, 6.9947, 3.3911, 4.5561, 4.0739, 4.4593],
        [7.0026, 3.1436, 4.3590, 5.4042, 3.6723, 4.0897, 3.9079, 6.1996, 3.6342, 2.8724, 5.3547, 3.8324]);

    /// <summary>Binary diatonic templates: the major scale, and harmonic minor.</summary>
    public static KeyProfile Diatonic { get; } = new("diatonic", "binary diatonic scales (major, harmonic minor)",
        [1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1],
        [1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1]);

    /// <summary>
    /// This profile adapted to polyphonic audio as Gómez (2006, "Tonal description of polyphonic audio for music
    /// content processing", INFORMS J. Computing 18(3)) proposes: every pitch class of the template also contributes
    /// to the pitch classes of its first <paramref name="harmonics"/> harmonics (h = 1, 2, 3, …, at 12·log2 h semitones,
    /// rounded) with weight <paramref name="decay"/>^(h−1), because a chroma of real instruments holds their overtones
    /// (the 3rd harmonic lands on the fifth, the 5th on the major third).
    /// </summary>
    public KeyProfile WithHarmonics(int harmonics, double decay)
    {
        if (harmonics < 1) throw new ArgumentOutOfRangeException(nameof(harmonics));
        double[] Spread(IReadOnlyList<double> p)
        {
            var o = new double[12];
            for (int n = 0; n < 12; n++)
                for (int h = 1; h <= harmonics; h++)
                {
                    int shift = (int)Math.Round(12 * Math.Log2(h));
                    o[(n + shift) % 12] += p[n] * Math.Pow(decay, h - 1);
                }
            return o;
        }
        return new KeyProfile($"{Name}+h{harmonics}", $"{Description}, {harmonics} harmonics (decay {decay})", Spread(Major), Spread(Minor));
    }

    /// <summary>All built-in profiles.</summary>
    public static IReadOnlyList<KeyProfile> All { get; } =
        [KrumhanslKessler, Temperley, AlbrechtShanahan, Edm, BeatportGated, BeatportRaw, Temperley1999, Shaath, Gomez, Noland, KeyFinder, Diatonic];

    /// <summary>The profile called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static KeyProfile? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Scores of the 24 keys (index = mode·12 + tonic) under <paramref name="similarity"/>.</summary>
    public double[] Score(ReadOnlySpan<float> chroma, KeySimilarity similarity) =>
        similarity == KeySimilarity.Cosine ? Cosine(chroma) : Correlate(chroma);

    /// <summary>
    /// Cosine similarity of <paramref name="chroma"/> with this profile rotated to each of the 24 keys (index =
    /// mode·12 + tonic). Ranking keys by it is ranking them by Euclidean distance between unit-length vectors, the
    /// distance Albrecht &amp; Shanahan (2013) match their profiles with.
    /// </summary>
    public double[] Cosine(ReadOnlySpan<float> chroma)
    {
        if (chroma.Length != 12) throw new ArgumentException("chroma must have 12 values", nameof(chroma));
        var r = new double[24];
        double cc = 0;
        for (int i = 0; i < 12; i++) cc += (double)chroma[i] * chroma[i];
        for (int mode = 0; mode < 2; mode++)
        {
            var p = mode == 0 ? Major : Minor;
            double pp = 0;
            for (int i = 0; i < 12; i++) pp += p[i] * p[i];
            for (int tonic = 0; tonic < 12; tonic++)
            {
                double dot = 0;
                for (int i = 0; i < 12; i++) dot += chroma[(tonic + i) % 12] * p[i];
                r[mode * 12 + tonic] = cc > 0 && pp > 0 ? dot / Math.Sqrt(cc * pp) : 0;
            }
        }
        return r;
    }

    /// <summary>
    /// Pearson correlation of <paramref name="chroma"/> (12 values, index 0 = C) with this profile rotated to each of
    /// the 24 keys; index = mode·12 + tonic (major first), as in <see cref="KeyEstimate.Scores"/>.
    /// </summary>
    public double[] Correlate(ReadOnlySpan<float> chroma)
    {
        if (chroma.Length != 12) throw new ArgumentException("chroma must have 12 values", nameof(chroma));
        var r = new double[24];
        for (int mode = 0; mode < 2; mode++)
        {
            var p = mode == 0 ? Major : Minor;
            for (int tonic = 0; tonic < 12; tonic++)
            {
                double mx = 0, mp = 0;
                for (int i = 0; i < 12; i++) { mx += chroma[(tonic + i) % 12]; mp += p[i]; }
                mx /= 12; mp /= 12;
                double sxy = 0, sxx = 0, syy = 0;
                for (int i = 0; i < 12; i++)
                {
                    double dx = chroma[(tonic + i) % 12] - mx, dy = p[i] - mp;
                    sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
                }
                r[mode * 12 + tonic] = sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : 0;
            }
        }
        return r;
    }
}
