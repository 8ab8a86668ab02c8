using Groove.Tonality;

namespace Groove.Evaluation.Key;

/// <summary>
/// Key metrics. The weighted score is MIREX's (audio key detection; as in mir_eval.key.weighted_score): 1 for the
/// same key, 0.5 for a perfect fifth, 0.3 for the relative major/minor, 0.2 for the parallel major/minor, else 0.
/// MIREX counts fifths in both directions since 2017; mir_eval (allow_descending_fifths=False) only an estimate a
/// fifth above the reference. Key-signature accuracy counts a major key and its relative minor as one of 12 classes
/// (the KSEA of H. Kim et al.'s STONE key estimator, "STONE: a self-supervised tonality estimator", ISMIR 2024).
/// A null key is "no key" (mir_eval's 'X'): it scores 1 against another null key and 0 against any key.
/// </summary>
public static class KeyEvaluation
{
    /// <summary>Metric names; "Weighted Score" is mir_eval's.</summary>
    public const string WeightedScore = "Weighted Score", Correct = "Correct", KeySignatureCorrect = "Key Signature Correct";

    /// <summary>Short labels for tables.</summary>
    public static string ShortName(string metric) => metric switch
    {
        WeightedScore => "Weighted",
        Correct => "Acc",
        KeySignatureCorrect => "KSEA",
        _ => metric,
    };

    public static Scores Evaluate(MusicalKey? reference, MusicalKey? estimate, bool allowDescendingFifths = true) =>
        new Scores()
            .Add(WeightedScore, Weighted(reference, estimate, allowDescendingFifths))
            .Add(Correct, reference == estimate ? 1 : 0)
            .Add(KeySignatureCorrect, SameSignature(reference, estimate) ? 1 : 0);

    /// <summary>The MIREX weighted score.</summary>
    public static double Weighted(MusicalKey? reference, MusicalKey? estimate, bool allowDescendingFifths = true)
    {
        if (reference == estimate) return 1.0;
        if (reference is not { } r || estimate is not { } e) return 0.0;
        int up = ((e.Tonic - r.Tonic) % 12 + 12) % 12;
        if (e.Mode == r.Mode && (up == 7 || (allowDescendingFifths && up == 5))) return 0.5;
        if (r.Mode == KeyMode.Major && e.Mode == KeyMode.Minor && up == 9) return 0.3;
        if (r.Mode == KeyMode.Minor && e.Mode == KeyMode.Major && up == 3) return 0.3;
        if (e.Mode != r.Mode && e.Tonic == r.Tonic) return 0.2;
        return 0.0;
    }

    /// <summary>Whether the two keys have the same key signature (a minor key counts as its relative major).</summary>
    public static bool SameSignature(MusicalKey? reference, MusicalKey? estimate)
    {
        if (reference is not { } r || estimate is not { } e) return reference == estimate;
        return SignatureOf(r) == SignatureOf(e);
    }

    /// <summary>The pitch class of the major key with the same signature (0 = C … 11 = B).</summary>
    public static int SignatureOf(MusicalKey key) => key.Mode == KeyMode.Major ? key.Tonic : (key.Tonic + 3) % 12;
}
