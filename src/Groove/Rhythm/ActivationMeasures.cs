namespace Groove.Rhythm;

/// <summary>
/// Label-free statistics of a beat activation, after Desblancs, Lostanlen &amp; Hennequin ("Zero-Note Samba",
/// TASLP 2023, measures of the activations): sparsity (l2/l1 ratio, Gini index, kurtosis, Shannon entropy of the
/// normalised energy) and periodicity (largest normalised autocorrelation at lags of 0.24–4 s). Peaky, periodic
/// activations — what a beat decoder wants — have high l2/l1, Gini, kurtosis and autocorrelation and low entropy.
/// </summary>
public readonly record struct ActivationMeasures(double L2L1, double Gini, double Kurtosis, double Entropy, double MaxAutocorrelation)
{
    /// <summary>Shortest autocorrelation lag considered, in seconds (15 frames at 62.5 fps, as the paper).</summary>
    public const double MinLagSeconds = 0.24;
    /// <summary>Longest lag, in seconds (250 frames at 62.5 fps).</summary>
    public const double MaxLagSeconds = 4.0;

    /// <summary>Names of the measures, in <see cref="Values"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["l2/l1", "gini", "kurtosis", "entropy", "max_acf"];

    /// <summary>The measures in <see cref="Names"/> order.</summary>
    public double[] Values => [L2L1, Gini, Kurtosis, Entropy, MaxAutocorrelation];

    /// <summary>Measures of <paramref name="activation"/> sampled at <paramref name="framesPerSecond"/>.</summary>
    public static ActivationMeasures Compute(ReadOnlySpan<float> activation, double framesPerSecond)
    {
        if (activation.Length < 2) throw new GrooveException("an activation needs at least two frames to be measured");
        if (!(framesPerSecond > 0)) throw new ArgumentOutOfRangeException(nameof(framesPerSecond));
        int n = activation.Length;
        double l1 = 0, l2 = 0, sum = 0;
        foreach (var v in activation) { l1 += Math.Abs(v); l2 += (double)v * v; sum += v; }
        double mean = sum / n;

        // Gini index of the sorted values: Σ (2k − N − 1) x_(k) / (N Σ x), k = 1 … N.
        var sorted = activation.ToArray();
        Array.Sort(sorted);
        double g = 0;
        for (int k = 0; k < n; k++) g += (2.0 * (k + 1) - n - 1) * sorted[k];
        double gini = sum != 0 ? g / (n * sum) : 0;

        // Excess kurtosis with biased moments (scipy.stats.kurtosis defaults).
        double m2 = 0, m4 = 0;
        foreach (var v in activation) { double d = v - mean; m2 += d * d; m4 += d * d * d * d; }
        m2 /= n; m4 /= n;
        double kurtosis = m2 > 0 ? m4 / (m2 * m2) - 3 : 0;

        // Shannon entropy of c = x² / ‖x‖²: −Σ c log c² (terms with c = 0 count 0).
        double entropy = 0;
        if (l2 > 0)
            foreach (var v in activation)
            {
                double c = (double)v * v / l2;
                if (c > 0) entropy -= c * Math.Log(c * c);
            }

        // Largest autocorrelation of the mean-removed activation, normalised by lag 0, over lags 0.24 … 4 s.
        int lo = Math.Max(1, (int)Math.Round(MinLagSeconds * framesPerSecond));
        int hi = Math.Min(n - 1, (int)Math.Round(MaxLagSeconds * framesPerSecond) - 1);
        double acf = 0;
        double ac0 = m2 * n;
        if (ac0 > 0 && hi >= lo)
        {
            acf = double.NegativeInfinity;
            for (int lag = lo; lag <= hi; lag++)
            {
                double s = 0;
                for (int t = 0; t + lag < n; t++) s += (activation[t] - mean) * (activation[t + lag] - mean);
                acf = Math.Max(acf, s / ac0);
            }
        }
        return new ActivationMeasures(l2 > 0 ? Math.Sqrt(l2) / l1 : 0, gini, kurtosis, entropy, acf);
    }
}
