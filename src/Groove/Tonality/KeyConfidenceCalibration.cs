namespace Groove.Tonality;

/// <summary>
/// Turns the margin of a template key estimate (similarity of the best key minus that of the runner-up) into the
/// probability that the key is right, by Platt scaling (Platt 1999, "Probabilistic outputs for support vector machines
/// and comparisons to regularized likelihood methods"): p = 1 / (1 + exp(−(<see cref="Intercept"/> +
/// <see cref="Slope"/> · margin))). The constants of each shipped method (<see cref="KeyMethods"/>) were fitted on
/// rendered key-labelled audio by <c>bench/tonal/key-confidence.sh</c>, which also prints how well they hold on sets
/// left out of the fit.
/// </summary>
/// <param name="Intercept">The logit at margin 0 (a tie between two keys).</param>
/// <param name="Slope">Logit per unit of margin; positive, so the probability rises with the margin.</param>
public sealed record KeyConfidenceCalibration(double Intercept, double Slope)
{
    /// <summary>The probability that the best key is right, given its <paramref name="margin"/> (≥ 0; NaN gives 0).</summary>
    public double Probability(double margin)
    {
        if (!double.IsFinite(margin)) return 0;
        double z = Intercept + Slope * Math.Max(0, margin);
        return 1 / (1 + Math.Exp(-z));
    }

    /// <summary>The best score minus the second best of <paramref name="scores"/> (0 with fewer than two).</summary>
    public static double Margin(ReadOnlySpan<double> scores)
    {
        if (scores.Length < 2) return 0;
        double best = double.NegativeInfinity, second = double.NegativeInfinity;
        foreach (double s in scores)
        {
            if (s > best) { second = best; best = s; }
            else if (s > second) second = s;
        }
        return best - second;
    }
}
