namespace Groove.Evaluation.Probe;

/// <summary>
/// Multinomial logistic regression on standardised features (mean and scale from the training set), L2-penalised
/// (<see cref="L2"/> on the weights, not the biases), fitted by full-batch gradient descent with Nesterov momentum.
/// The linear probe of self-supervised representation learning: how much of a label a frozen embedding exposes linearly.
/// </summary>
public sealed class LogisticRegression
{
    /// <summary>Weight penalty (mean cross-entropy + L2/2 · ‖W‖²).</summary>
    public double L2 { get; init; } = 1e-2;
    /// <summary>Gradient steps.</summary>
    public int Iterations { get; init; } = 500;
    /// <summary>Step size.</summary>
    public double StepSize { get; init; } = 0.5;

    private double[] _mean = [], _scale = [];
    private double[,] _w = new double[0, 0];
    private double[] _b = [];
    private int _classes, _dim;

    /// <summary>Fits on rows <paramref name="x"/> with labels 0..classes−1.</summary>
    public LogisticRegression Fit(IReadOnlyList<float[]> x, IReadOnlyList<int> y, int classes)
    {
        int n = x.Count; _dim = x[0].Length; _classes = classes;
        _mean = new double[_dim]; _scale = new double[_dim];
        for (int j = 0; j < _dim; j++)
        {
            double m = 0; for (int i = 0; i < n; i++) m += x[i][j]; m /= n;
            double v = 0; for (int i = 0; i < n; i++) v += (x[i][j] - m) * (x[i][j] - m); v /= n;
            _mean[j] = m; _scale[j] = v > 1e-12 ? 1 / Math.Sqrt(v) : 1;
        }
        var z = x.Select(Standardise).ToArray();
        _w = new double[classes, _dim]; _b = new double[classes];
        var vw = new double[classes, _dim]; var vb = new double[classes];
        var gw = new double[classes, _dim]; var gb = new double[classes];
        var p = new double[classes];
        const double mu = 0.9;
        for (int it = 0; it < Iterations; it++)
        {
            // Nesterov: gradient at the look-ahead point w + mu·v.
            var lw = new double[classes, _dim]; var lb = new double[classes];
            for (int c = 0; c < classes; c++) { lb[c] = _b[c] + mu * vb[c]; for (int j = 0; j < _dim; j++) lw[c, j] = _w[c, j] + mu * vw[c, j]; }
            Array.Clear(gw); Array.Clear(gb);
            for (int i = 0; i < n; i++)
            {
                Probabilities(lw, lb, z[i], p);
                p[y[i]] -= 1;
                for (int c = 0; c < classes; c++)
                {
                    gb[c] += p[c] / n;
                    for (int j = 0; j < _dim; j++) gw[c, j] += p[c] * z[i][j] / n;
                }
            }
            for (int c = 0; c < classes; c++)
            {
                vb[c] = mu * vb[c] - StepSize * gb[c]; _b[c] += vb[c];
                for (int j = 0; j < _dim; j++)
                {
                    vw[c, j] = mu * vw[c, j] - StepSize * (gw[c, j] + L2 * lw[c, j]);
                    _w[c, j] += vw[c, j];
                }
            }
        }
        return this;
    }

    private double[] Standardise(float[] v)
    {
        if (v.Length != _dim) throw new GrooveException($"vector of {v.Length} values, the probe was fitted on {_dim}");
        var z = new double[_dim];
        for (int j = 0; j < _dim; j++) z[j] = (v[j] - _mean[j]) * _scale[j];
        return z;
    }

    private void Probabilities(double[,] w, double[] b, double[] z, double[] p)
    {
        double max = double.MinValue;
        for (int c = 0; c < _classes; c++)
        {
            double s = b[c];
            for (int j = 0; j < _dim; j++) s += w[c, j] * z[j];
            p[c] = s; max = Math.Max(max, s);
        }
        double sum = 0;
        for (int c = 0; c < _classes; c++) { p[c] = Math.Exp(p[c] - max); sum += p[c]; }
        for (int c = 0; c < _classes; c++) p[c] /= sum;
    }

    /// <summary>The most probable class of <paramref name="v"/>.</summary>
    public int Predict(float[] v)
    {
        var p = new double[_classes];
        Probabilities(_w, _b, Standardise(v), p);
        int best = 0;
        for (int c = 1; c < _classes; c++) if (p[c] > p[best]) best = c;
        return best;
    }
}
