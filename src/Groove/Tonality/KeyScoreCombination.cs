namespace Groove.Tonality;

/// <summary>
/// Combines the 24 key scores (index = mode·12 + tonic) of two template methods whose similarities live on different
/// scales (cosine of different chromas, Pearson correlation): each method's scores are z-normalised over the 24 keys of
/// the recording, (r − mean) / standard deviation, and the two z-vectors are added with equal weight; the key is the
/// one with the largest sum: score-level fusion with z-score normalisation and the sum rule (Jain, Nandakumar &amp;
/// Ross, "Score normalization in multimodal biometric systems", Pattern Recognition 38, 2005).
/// </summary>
public static class KeyScoreCombination
{
    /// <summary>Softmax sharpness turning the summed z-scores into probabilities when the options give none. Not fitted
    /// on data: with it, a lead of one standard deviation over the runner-up gives that key about e³ ≈ 20 times its
    /// probability.</summary>
    public const double DefaultSharpness = 3;

    /// <summary>Writes (x − mean) / std of <paramref name="scores"/> (population std) to <paramref name="destination"/>;
    /// all zeros when the scores are all equal or any is not finite (such a method then has no say).</summary>
    /// <param name="scores">The scores of one method.</param>
    /// <param name="destination">Where the z-scores go; as long as <paramref name="scores"/>.</param>
    public static void ZNormalise(ReadOnlySpan<double> scores, Span<double> destination)
    {
        if (destination.Length != scores.Length) throw new ArgumentException("destination must be as long as scores", nameof(destination));
        double mean = 0;
        foreach (double v in scores) mean += v;
        mean /= Math.Max(1, scores.Length);
        double var = 0;
        foreach (double v in scores) var += (v - mean) * (v - mean);
        double std = Math.Sqrt(var / Math.Max(1, scores.Length));
        // A spread this small is rounding noise of equal scores, not a preference.
        if (!double.IsFinite(std) || std <= 1e-12 * Math.Max(1, Math.Abs(mean)))
        {
            destination.Clear();
            return;
        }
        for (int i = 0; i < scores.Length; i++) destination[i] = (scores[i] - mean) / std;
    }

    /// <summary>The sum of the z-normalised <paramref name="a"/> and <paramref name="b"/> (24 scores each).</summary>
    /// <param name="a">The first method's 24 key scores.</param>
    /// <param name="b">The second method's 24 key scores.</param>
    public static double[] SumOfZScores(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != 24 || b.Length != 24) throw new ArgumentException("each method must give 24 key scores");
        var za = new double[24];
        Span<double> zb = stackalloc double[24];
        ZNormalise(a, za);
        ZNormalise(b, zb);
        for (int i = 0; i < 24; i++) za[i] += zb[i];
        return za;
    }

    /// <summary>The key with the largest combined score, with a softmax of the 24 combined scores as probabilities and
    /// the best key's probability as the (uncalibrated) confidence.</summary>
    /// <param name="combined">The 24 combined scores.</param>
    /// <param name="sharpness">Softmax sharpness (null: <see cref="DefaultSharpness"/>).</param>
    public static KeyEstimate Estimate(ReadOnlySpan<double> combined, double? sharpness = null)
    {
        if (combined.Length != 24) throw new ArgumentException("24 key scores are needed", nameof(combined));
        double beta = sharpness ?? DefaultSharpness;
        int best = 0;
        for (int i = 1; i < 24; i++) if (combined[i] > combined[best]) best = i;
        var p = new float[24];
        double z = 0;
        for (int i = 0; i < 24; i++) z += Math.Exp(beta * (combined[i] - combined[best]));
        for (int i = 0; i < 24; i++) p[i] = (float)(Math.Exp(beta * (combined[i] - combined[best])) / z);
        return new KeyEstimate(MusicalKey.FromIndex(best), p[best], p);
    }
}
