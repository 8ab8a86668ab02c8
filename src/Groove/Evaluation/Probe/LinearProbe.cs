namespace Groove.Evaluation.Probe;

/// <summary>
/// Scores of a cross-validated probe: accuracy and macro-F1 of the pooled out-of-fold predictions, with their spread
/// (standard deviation over <see cref="BootstrapResamples"/> bootstrap resamples of the items), and the mean and
/// standard deviation of the per-fold accuracy (leave-one-out folds hold one item, so that is the binomial spread).
/// </summary>
public sealed record ProbeResult(int Items, int Classes, int Folds, double Accuracy, double AccuracySpread, double MacroF1, double MacroF1Spread,
    double FoldAccuracyMean, double FoldAccuracyStd, int BootstrapResamples, int[] Predictions);

/// <summary>
/// The linear probe of an embedding: logistic regression (<see cref="LogisticRegression"/>) trained on the labelled
/// vectors of all folds but one and tested on that one, with stratified folds (each class dealt round-robin over the
/// folds after a seeded shuffle) or leave-one-out (<c>folds = 0</c> or ≥ items).
/// </summary>
public static class LinearProbe
{
    /// <summary>Cross-validates a probe on <paramref name="x"/> with labels <paramref name="y"/> (0..classes−1).</summary>
    public static ProbeResult Run(IReadOnlyList<float[]> x, IReadOnlyList<int> y, int folds, ulong seed = 1, LogisticRegression? settings = null)
    {
        int n = x.Count;
        if (n != y.Count) throw new ArgumentException("one label per vector");
        int classes = y.Max() + 1;
        if (n < 3 || classes < 2) throw new GrooveException($"a probe needs at least 3 labelled tracks of at least 2 labels (got {n} of {classes})");
        int k = folds <= 0 || folds >= n ? n : folds;
        if (k < 2) throw new GrooveException("a probe needs at least 2 folds");
        var fold = StratifiedFolds(y, k, new Rng(seed));
        var pred = new int[n];
        var foldAcc = new List<double>();
        for (int f = 0; f < k; f++)
        {
            var trainIdx = Enumerable.Range(0, n).Where(i => fold[i] != f).ToList();
            var testIdx = Enumerable.Range(0, n).Where(i => fold[i] == f).ToList();
            if (testIdx.Count == 0) continue;
            var model = new LogisticRegression { L2 = settings?.L2 ?? 1e-2, Iterations = settings?.Iterations ?? 500, StepSize = settings?.StepSize ?? 0.5 }
                .Fit(trainIdx.Select(i => x[i]).ToList(), trainIdx.Select(i => y[i]).ToList(), classes);
            int right = 0;
            foreach (var i in testIdx) { pred[i] = model.Predict(x[i]); if (pred[i] == y[i]) right++; }
            foldAcc.Add((double)right / testIdx.Count);
        }
        var truth = y.ToArray();
        double acc = Accuracy(truth, pred, Enumerable.Range(0, n).ToArray());
        double f1 = MacroF1(truth, pred, classes, Enumerable.Range(0, n).ToArray());
        var (accSpread, f1Spread) = BootstrapSpreads(truth, pred, classes, seed);
        double mean = foldAcc.Average();
        double std = Math.Sqrt(foldAcc.Sum(a => (a - mean) * (a - mean)) / foldAcc.Count);
        return new ProbeResult(n, classes, k, acc, accSpread, f1, f1Spread, mean, std, BootstrapResamples, pred);
    }

    /// <summary>
    /// Fits on (<paramref name="trainX"/>, <paramref name="trainY"/>) and scores on the test items (a fixed split, such
    /// as a dataset's official one); the spreads are bootstrap standard deviations over the test items, the fold
    /// statistics those of the one split.
    /// </summary>
    public static ProbeResult TrainTest(IReadOnlyList<float[]> trainX, IReadOnlyList<int> trainY, IReadOnlyList<float[]> testX, IReadOnlyList<int> testY,
        int classes, ulong seed = 1, LogisticRegression? settings = null)
    {
        if (trainX.Count < 2 || testX.Count < 1) throw new GrooveException($"a probe needs at least 2 training and 1 test track (got {trainX.Count} and {testX.Count})");
        var model = new LogisticRegression { L2 = settings?.L2 ?? 1e-2, Iterations = settings?.Iterations ?? 500, StepSize = settings?.StepSize ?? 0.5 }
            .Fit(trainX, trainY, classes);
        var pred = testX.Select(model.Predict).ToArray();
        var truth = testY.ToArray();
        int n = truth.Length;
        var all = Enumerable.Range(0, n).ToArray();
        double acc = Accuracy(truth, pred, all), f1 = MacroF1(truth, pred, classes, all);
        var (accSpread, f1Spread) = BootstrapSpreads(truth, pred, classes, seed);
        return new ProbeResult(n, classes, 1, acc, accSpread, f1, f1Spread, acc, 0, BootstrapResamples, pred);
    }

    private const int BootstrapResamples = 1000;

    /// <summary>Standard deviations of accuracy and macro-F1 over bootstrap resamples of the scored items (seeded).</summary>
    private static (double Accuracy, double MacroF1) BootstrapSpreads(int[] truth, int[] pred, int classes, ulong seed)
    {
        int n = truth.Length;
        var rng = new Rng(seed ^ 0xB007);
        var accs = new double[BootstrapResamples];
        var f1s = new double[BootstrapResamples];
        var idx = new int[n];
        for (int r = 0; r < BootstrapResamples; r++)
        {
            for (int i = 0; i < n; i++) idx[i] = rng.NextInt(n);
            accs[r] = Accuracy(truth, pred, idx);
            f1s[r] = MacroF1(truth, pred, classes, idx);
        }
        return (Std(accs), Std(f1s));
    }

    /// <summary>Fold of each item: per class, a seeded shuffle dealt round-robin (continuing across classes).</summary>
    public static int[] StratifiedFolds(IReadOnlyList<int> y, int folds, Rng rng)
    {
        var fold = new int[y.Count];
        int next = 0;
        foreach (var group in Enumerable.Range(0, y.Count).GroupBy(i => y[i]).OrderBy(g => g.Key))
        {
            var items = group.ToArray();
            rng.Shuffle(items.AsSpan());
            foreach (var i in items) fold[i] = next++ % folds;
        }
        return fold;
    }

    private static double Accuracy(int[] truth, int[] pred, int[] idx) => idx.Count(i => truth[i] == pred[i]) / (double)idx.Length;

    /// <summary>Mean over the classes present (in truth or prediction) of F1 = 2·TP / (2·TP + FP + FN).</summary>
    public static double MacroF1(int[] truth, int[] pred, int classes, int[] idx)
    {
        var tp = new int[classes]; var fp = new int[classes]; var fn = new int[classes];
        foreach (var i in idx)
        {
            if (truth[i] == pred[i]) tp[truth[i]]++;
            else { fp[pred[i]]++; fn[truth[i]]++; }
        }
        double sum = 0; int present = 0;
        for (int c = 0; c < classes; c++)
        {
            int denom = 2 * tp[c] + fp[c] + fn[c];
            if (denom == 0) continue;
            present++;
            sum += 2.0 * tp[c] / denom;
        }
        return present == 0 ? 0 : sum / present;
    }

    private static double Std(double[] v)
    {
        double m = v.Average();
        return Math.Sqrt(v.Sum(a => (a - m) * (a - m)) / v.Length);
    }
}
