namespace Groove.Evaluation.FewShot;

/// <summary>
/// One training run: size k, run index, the training tracks, the epoch whose weights were kept (0: none trained),
/// optimisation steps taken, the best validation F-measure and the mean test F-measure, CMLt and AMLt (mir_eval).
/// </summary>
public sealed record FewShotRunResult(int Size, int Run, IReadOnlyList<string> TrainTracks, int BestEpoch, int Steps,
    double ValidationF, double TestF, double TestCmlt, double TestAmlt, double Seconds);

/// <summary>Mean and standard deviation (population, as numpy's default) over the runs of one size.</summary>
public sealed record FewShotSizeSummary(int Size, int Runs, double MeanF, double StdF, double MeanCmlt, double StdCmlt,
    double MeanAmlt, double StdAmlt)
{
    internal static FewShotSizeSummary Of(int size, IReadOnlyList<FewShotRunResult> runs)
    {
        var (mf, sf) = MeanStd(runs.Select(r => r.TestF));
        var (mc, sc) = MeanStd(runs.Select(r => r.TestCmlt));
        var (ma, sa) = MeanStd(runs.Select(r => r.TestAmlt));
        return new FewShotSizeSummary(size, runs.Count, mf, sf, mc, sc, ma, sa);
    }

    private static (double Mean, double Std) MeanStd(IEnumerable<double> values)
    {
        var v = values.ToArray();
        if (v.Length == 0) return (double.NaN, double.NaN);
        double mean = v.Average();
        return (mean, Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length));
    }
}

/// <summary>All runs of a few-shot evaluation with the split used and the per-size summary.</summary>
public sealed record FewShotReport(string Model, FewShotOptions Options, IReadOnlyList<string> TestTracks,
    IReadOnlyList<string> ValidationTracks, IReadOnlyList<string> PoolTracks, IReadOnlyList<FewShotRunResult> Runs)
{
    /// <summary>Per-size mean ± std in the order of <see cref="FewShotOptions.Sizes"/>.</summary>
    public IReadOnlyList<FewShotSizeSummary> Summary() =>
        Options.Sizes.Distinct().Select(k => FewShotSizeSummary.Of(k, Runs.Where(r => r.Size == k).ToList())).ToList();
}
