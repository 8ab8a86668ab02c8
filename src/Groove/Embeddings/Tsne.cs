namespace Groove.Embeddings;

/// <summary>
/// Exact t-SNE to two dimensions (van der Maaten &amp; Hinton, "Visualizing data using t-SNE", JMLR 2008): Gaussian
/// affinities whose bandwidth per point is found by bisection to match the perplexity, symmetrised; a Student-t
/// kernel in the map; gradient descent with momentum (0.5, then 0.8), per-coordinate gains and early exaggeration
/// (×12 for the first 250 iterations), as in the authors' reference implementation. O(n²) per iteration: meant for
/// libraries of up to a few thousand tracks.
/// </summary>
public static class Tsne
{
    /// <summary>2-D coordinates [n][2] of <paramref name="x"/>.</summary>
    public static double[][] Embed(IReadOnlyList<float[]> x, Rng rng, double perplexity = 30, int iterations = 1000)
    {
        int n = x.Count;
        if (n < 2) return x.Select(_ => new double[2]).ToArray();
        perplexity = Math.Max(1, Math.Min(perplexity, (n - 1) / 3.0));
        var d = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < x[i].Length; k++) { double t = x[i][k] - x[j][k]; s += t * t; }
                d[i, j] = d[j, i] = s;
            }
        var p = Affinities(d, n, perplexity);
        var y = new double[n, 2]; var dy = new double[n, 2]; var inc = new double[n, 2]; var gains = new double[n, 2];
        for (int i = 0; i < n; i++) for (int c = 0; c < 2; c++) { y[i, c] = rng.NextNormal() * 1e-4; gains[i, c] = 1; }
        double eta = Math.Max(n / 12.0, 50);
        var num = new double[n, n];
        for (int it = 0; it < iterations; it++)
        {
            double exaggeration = it < 250 ? 12 : 1, momentum = it < 250 ? 0.5 : 0.8;
            double sum = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                {
                    double a = y[i, 0] - y[j, 0], b = y[i, 1] - y[j, 1];
                    double q = 1 / (1 + a * a + b * b);
                    num[i, j] = num[j, i] = q;
                    sum += 2 * q;
                }
            for (int i = 0; i < n; i++)
            {
                double g0 = 0, g1 = 0;
                for (int j = 0; j < n; j++)
                {
                    if (j == i) continue;
                    double m = (exaggeration * p[i, j] - num[i, j] / sum) * num[i, j];
                    g0 += m * (y[i, 0] - y[j, 0]); g1 += m * (y[i, 1] - y[j, 1]);
                }
                dy[i, 0] = 4 * g0; dy[i, 1] = 4 * g1;
            }
            for (int i = 0; i < n; i++)
                for (int c = 0; c < 2; c++)
                {
                    gains[i, c] = Math.Sign(dy[i, c]) != Math.Sign(inc[i, c]) ? gains[i, c] + 0.2 : Math.Max(gains[i, c] * 0.8, 0.01);
                    inc[i, c] = momentum * inc[i, c] - eta * gains[i, c] * dy[i, c];
                    y[i, c] += inc[i, c];
                }
            for (int c = 0; c < 2; c++)
            {
                double mean = 0;
                for (int i = 0; i < n; i++) mean += y[i, c];
                mean /= n;
                for (int i = 0; i < n; i++) y[i, c] -= mean;
            }
        }
        return Enumerable.Range(0, n).Select(i => new[] { y[i, 0], y[i, 1] }).ToArray();
    }

    /// <summary>Symmetric joint probabilities P (sum 1) with per-point bandwidths matching the perplexity.</summary>
    private static double[,] Affinities(double[,] d, int n, double perplexity)
    {
        var p = new double[n, n];
        double target = Math.Log(perplexity);
        var row = new double[n];
        for (int i = 0; i < n; i++)
        {
            double beta = 1, lo = double.NegativeInfinity, hi = double.PositiveInfinity;
            for (int step = 0; step < 64; step++)
            {
                double sum = 0, weighted = 0;
                for (int j = 0; j < n; j++)
                {
                    row[j] = j == i ? 0 : Math.Exp(-d[i, j] * beta);
                    sum += row[j]; weighted += d[i, j] * row[j];
                }
                if (sum <= 0) { beta /= 2; hi = beta * 2; continue; }
                double entropy = Math.Log(sum) + beta * weighted / sum;
                for (int j = 0; j < n; j++) row[j] /= sum;
                double diff = entropy - target;
                if (Math.Abs(diff) < 1e-5) break;
                if (diff > 0) { lo = beta; beta = double.IsPositiveInfinity(hi) ? beta * 2 : (beta + hi) / 2; }
                else { hi = beta; beta = double.IsNegativeInfinity(lo) ? beta / 2 : (beta + lo) / 2; }
            }
            for (int j = 0; j < n; j++) p[i, j] = row[j];
        }
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double v = Math.Max((p[i, j] + p[j, i]) / (2 * n), 1e-12);
                p[i, j] = p[j, i] = v;
            }
        return p;
    }
}
