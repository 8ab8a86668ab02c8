using Groove.IO.Annotations;
using Groove.Evaluation.Key;
using Groove.Evaluation.Tempo;
using Groove.Tonality;

namespace Groove.Tests.Evaluation;

public class KeyAndTempoMetricsTests
{
    private static MusicalKey K(string label) => KeyNames.Parse(label)!.Value;

    [Theory]
    [InlineData("C major", "C major", 1.0, 1.0)]
    [InlineData("C major", "G major", 0.5, 0.5)]   // fifth above
    [InlineData("C major", "F major", 0.5, 0.0)]   // fifth below: MIREX since 2017 yes, mir_eval's default no
    [InlineData("A minor", "E minor", 0.5, 0.5)]
    [InlineData("A minor", "D minor", 0.5, 0.0)]
    [InlineData("C major", "A minor", 0.3, 0.3)]   // relative
    [InlineData("A minor", "C major", 0.3, 0.3)]
    [InlineData("C major", "C minor", 0.2, 0.2)]   // parallel
    [InlineData("C major", "D major", 0.0, 0.0)]
    [InlineData("C major", "G minor", 0.0, 0.0)]
    public void Weighted_score_follows_MIREX(string reference, string estimate, double both, double upOnly)
    {
        Assert.Equal(both, KeyEvaluation.Weighted(K(reference), K(estimate), allowDescendingFifths: true));
        Assert.Equal(upOnly, KeyEvaluation.Weighted(K(reference), K(estimate), allowDescendingFifths: false));
    }

    [Fact]
    public void Key_signature_accuracy_merges_relative_keys_only()
    {
        Assert.True(KeyEvaluation.SameSignature(K("C major"), K("A minor")));
        Assert.True(KeyEvaluation.SameSignature(K("Eb major"), K("C minor")));
        Assert.False(KeyEvaluation.SameSignature(K("C major"), K("C minor")));
        Assert.False(KeyEvaluation.SameSignature(K("C major"), K("G major")));
        var s = KeyEvaluation.Evaluate(K("F# minor"), K("A major"));
        Assert.Equal(0.3, s[KeyEvaluation.WeightedScore]);
        Assert.Equal(0.0, s[KeyEvaluation.Correct]);
        Assert.Equal(1.0, s[KeyEvaluation.KeySignatureCorrect]);
    }

    [Fact]
    public void No_key_scores_like_mir_eval_X()
    {
        Assert.Equal(1.0, KeyEvaluation.Weighted(null, null));
        Assert.Equal(0.0, KeyEvaluation.Weighted(null, K("C major")));
        Assert.Equal(0.0, KeyEvaluation.Weighted(K("C major"), null));
    }

    [Theory]
    [InlineData("D major", 2, KeyMode.Major)]
    [InlineData("C\tmajor", 0, KeyMode.Major)]
    [InlineData("F# minor", 6, KeyMode.Minor)]
    [InlineData("Gb:maj", 6, KeyMode.Major)]
    [InlineData("Bb:min", 10, KeyMode.Minor)]
    [InlineData("c#m", 1, KeyMode.Minor)]
    [InlineData("Cb major", 11, KeyMode.Major)]
    [InlineData("e", 4, KeyMode.Minor)]
    [InlineData("B♭ major", 10, KeyMode.Major)]
    [InlineData("ab minor", 8, KeyMode.Minor)]
    public void Key_labels_in_common_spellings(string label, int tonic, KeyMode mode) =>
        Assert.Equal(new MusicalKey(tonic, mode), KeyNames.Parse(label));

    [Theory]
    [InlineData(0, 9, KeyMode.Major)]    // A
    [InlineData(3, 0, KeyMode.Major)]    // C
    [InlineData(11, 8, KeyMode.Major)]   // G#
    [InlineData(12, 9, KeyMode.Minor)]   // a
    [InlineData(22, 7, KeyMode.Minor)]   // g
    public void Lerch_indices_start_at_A(int index, int tonic, KeyMode mode) =>
        Assert.Equal(new MusicalKey(tonic, mode), KeyNames.FromLerchIndex(index));

    [Fact]
    public void Bad_key_labels_are_refused()
    {
        Assert.Null(KeyNames.FromLerchIndex(-1));
        Assert.Throws<GrooveException>(() => KeyNames.FromLerchIndex(24));
        Assert.Throws<GrooveException>(() => KeyNames.Parse("H major"));
        Assert.Throws<GrooveException>(() => KeyNames.Parse("C dorian"));
    }

    [Theory]
    [InlineData(120, 124.7, 1, 1)]   // +3.9 %: Accuracy 1
    [InlineData(120, 125, 0, 0)]     // +4.2 %
    [InlineData(120, 60, 0, 1)]      // half
    [InlineData(120, 240, 0, 1)]     // double
    [InlineData(120, 40, 0, 1)]      // third
    [InlineData(120, 360, 0, 1)]     // triple
    [InlineData(120, 180, 0, 0)]     // 3/2 is not allowed
    public void Accuracy_1_and_2(double reference, double estimate, double acc1, double acc2)
    {
        var s = TempoEvaluation.Evaluate(TempoAnnotation.Single(reference), TempoAnnotation.Single(estimate));
        Assert.Equal(acc1, s[TempoEvaluation.Accuracy1]);
        Assert.Equal(acc2, s[TempoEvaluation.Accuracy2]);
    }

    [Fact]
    public void Accuracy_uses_the_stronger_reference_tempo_and_P_score_the_weights()
    {
        var reference = new TempoAnnotation(60, 120, 0.25); // 120 BPM carries 75 %
        Assert.Equal(120, reference.Strongest);
        var s = TempoEvaluation.Evaluate(reference, TempoAnnotation.Single(121));
        Assert.Equal(1.0, s[TempoEvaluation.Accuracy1]);
        Assert.Equal(0.75, s[TempoEvaluation.PScore], 12);
        Assert.Equal(1.0, s[TempoEvaluation.OneCorrect]);
        Assert.Equal(0.0, s[TempoEvaluation.BothCorrect]);
        // 8 % for the P-score: 129.6 is a hit on 120, 130 is not.
        Assert.Equal(0.75, TempoEvaluation.Detection(reference, TempoAnnotation.Single(129.6)).PScore, 12);
        Assert.Equal(0.0, TempoEvaluation.Detection(reference, TempoAnnotation.Single(130)).PScore, 12);
    }
}
