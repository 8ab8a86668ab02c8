using System.CommandLine;
using Groove.Evaluation.Datasets;
using Groove.IO.Datasets;

namespace Groove.Cli.Commands.Eval;

/// <summary>
/// The options every <c>groove eval beats|tempo|key</c> shares: one pair of files (<c>--ref</c>, <c>--est</c>) or a
/// dataset (<c>--dataset</c>) with estimators run on its audio (<c>--estimator</c>) and/or folders of estimates
/// (<c>--est-dir</c>); per-track CSV, JSON output.
/// </summary>
internal sealed class EvalOptions
{
    /// <param name="kind">What is scored, as in "Reference beats file" ("beats", "tempo", "key").</param>
    /// <param name="referenceFormats">The reference formats read, in parentheses after the reference's description.</param>
    /// <param name="estimator">What an <c>--estimator</c> name names.</param>
    public EvalOptions(string kind, string referenceFormats, string estimator)
    {
        Reference = new Option<string>("--ref") { Description = $"Reference {kind} file ({referenceFormats})" };
        Estimate = new Option<string>("--est") { Description = $"Estimated {kind} file" };
        Dataset = new Option<string>("--dataset") { Description = $"Dataset folder (audio/, {kind}/, ...) to evaluate on" };
        Estimators = new Option<string[]>("--estimator") { Description = $"{estimator} to run on the dataset's audio, through the same pipeline as groove {kind} (repeatable)" };
        EstimateDirs = new Option<string[]>("--est-dir") { Description = $"Folder of {kind} estimates named after the tracks (repeatable)" };
        Csv = new Option<string>("--csv") { Description = "Write per-track scores as CSV" };
        Json = new Option<bool>("--json") { Description = "Print JSON (mir_eval's metric names)" };
    }

    public Option<string> Reference { get; }
    public Option<string> Estimate { get; }
    public Option<string> Dataset { get; }
    public Option<string[]> Estimators { get; }
    public Option<string[]> EstimateDirs { get; }
    public Option<string> Csv { get; }
    public Option<bool> Json { get; }

    /// <summary>All of them, in help order.</summary>
    public IEnumerable<Option> All => [Reference, Estimate, Dataset, Estimators, EstimateDirs, Csv, Json];

    /// <summary>The one pair given by <c>--ref</c> and <c>--est</c>, or null when <c>--dataset</c> is given.</summary>
    /// <exception cref="GrooveException">Neither a pair nor a dataset.</exception>
    public (string Reference, string Estimate)? Pair(ParseResult parse)
    {
        if (parse.GetValue(Dataset) is not null) return null;
        if (parse.GetValue(Reference) is not { } r || parse.GetValue(Estimate) is not { } e)
            throw new GrooveException("give --ref and --est, or --dataset DIR with --estimator NAME or --est-dir DIR");
        return (r, e);
    }

    /// <summary>The <c>--estimator</c> runs, then the <c>--est-dir</c> folders, as dataset estimators.</summary>
    /// <exception cref="GrooveException">None given.</exception>
    public List<DatasetEstimator> DatasetEstimators(ParseResult parse, Func<string, DatasetEstimator> byName, Func<EstimateFolder, DatasetEstimator> fromFolder)
    {
        var list = (parse.GetValue(Estimators) ?? []).Select(byName).ToList();
        list.AddRange((parse.GetValue(EstimateDirs) ?? []).Select(d => fromFolder(new EstimateFolder(d))));
        if (list.Count == 0) throw new GrooveException("nothing to evaluate: give --estimator NAME or --est-dir DIR");
        return list;
    }

    /// <summary>Scores <paramref name="estimators"/> on <paramref name="tracks"/> with progress, prints the summary, writes the CSV; the exit code.</summary>
    public int RunDataset(ParseResult parse, IReadOnlyList<DatasetTrack> tracks, List<DatasetEstimator> estimators, string description, Func<string, string> shortName) =>
        DatasetEvaluationRunner.Finish(DatasetEvaluationRunner.Run(tracks, estimators, description), parse.GetValue(Json), parse.GetValue(Csv), shortName);
}
