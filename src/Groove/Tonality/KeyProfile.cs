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

    /// <summary>
    /// An EDM-oriented profile after Faraldo, Gómez, Jordà &amp; Herrera (2016), "Key estimation in electronic dance
    /// music" (ECIR): templates measured on electronic dance music, flatter than the classical ones, with a strong
    /// tonic and fifth, a prominent minor third in minor and comparatively heavy chromatic neighbours. The values are
    /// our approximation of their published "edma" curves (reconstructed from the paper's description, not copied
    /// from any implementation).
    /// </summary>
    public static KeyProfile Edm { get; } = new("edma", "EDM-oriented (after Faraldo et al. 2016, edma)",
        [0.165, 0.047, 0.083, 0.067, 0.100, 0.093, 0.053, 0.132, 0.052, 0.074, 0.069, 0.064],
        [0.172, 0.040, 0.076, 0.127, 0.054, 0.091, 0.048, 0.127, 0.083, 0.051, 0.063, 0.067]);

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
    public static IReadOnlyList<KeyProfile> All { get; } = [KrumhanslKessler, Temperley, AlbrechtShanahan, Edm];

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
