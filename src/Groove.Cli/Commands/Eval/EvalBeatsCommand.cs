using System.CommandLine;
using Groove.Cli.Infrastructure;
using Groove.IO.Annotations;
using Groove.Evaluation.Beats;
using Groove.Evaluation.Datasets;
using Groove.IO;
using Groove.Rhythm;
using Groove.IO.Datasets;

namespace Groove.Cli.Commands.Eval;

/// <summary>
/// <c>groove eval beats</c>: one reference/estimate pair, or a whole dataset with beat trackers (<c>--estimator</c>)
/// and/or folders of estimates (<c>--est-dir</c>) side by side.
/// </summary>
internal static class EvalBeatsCommand
{
    public static Command Create(Func<string, IBeatTracker> trackers)
    {
        var o = new EvalOptions("beats", ".beats, .txt, .jams", $"Beat tracker ({string.Join(", ", BeatTrackers.Names)})");
        var (reference, estimate, dataset, estDirs, estimators, csv, json) = (o.Reference, o.Estimate, o.Dataset, o.EstimateDirs, o.Estimators, o.Csv, o.Json);
        var report = new Option<string>("--report") { Description = "Write an HTML report with per-track plots" };
        var noTrim = new Option<bool>("--no-trim") { Description = "Keep beats before 5 s (mir_eval trims them by default)" };
        var trim = new Option<double?>("--trim") { Description = "Ignore beats before this many seconds (default: 5 for mir_eval, 0 for madmom)" };
        var conventions = new Option<string>("--conventions") { Description = "Metric definitions: mir_eval, or madmom (greedy F-measure pairing, Goto at 0.175, triple/third levels, information gain in bits over 40 bins)", DefaultValueFactory = _ => "mir_eval" };
        conventions.AcceptOnlyFromAmong("mir_eval", "madmom");

        var cmd = new Command("beats", "Score estimated beats against reference beats (F-measure, Cemgil, Goto, P-score, CMLc/t, AMLc/t, information gain)");
        foreach (var option in o.All.Concat([report, noTrim, trim, conventions])) cmd.Options.Add(option);
        cmd.SetAction(parse => EvalCommand.Guarded(() =>
        {
            var conv = parse.GetValue(conventions) == "madmom" ? BeatMetricConventions.Madmom : BeatMetricConventions.MirEval;
            double? minTime = parse.GetValue(trim);
            if (parse.GetValue(noTrim))
            {
                if (minTime is not null) throw new GrooveException("give --trim or --no-trim, not both");
                minTime = 0;
            }
            if (minTime is < 0 or double.NaN) throw new GrooveException("--trim must be a non-negative number of seconds");
            var options = new BeatEvaluationOptions(conv, minTime);

            var datasetDir = parse.GetValue(dataset);
            var refPath = parse.GetValue(reference);
            var estPath = parse.GetValue(estimate);
            if (datasetDir is null)
            {
                if (refPath is null || estPath is null) throw new GrooveException("give --ref and --est, or --dataset DIR");
                if (parse.GetValue(report) is not null || parse.GetValue(csv) is not null || parse.GetValue(estimators)?.Length > 0 || parse.GetValue(estDirs)?.Length > 0)
                    throw new GrooveException("--estimator, --est-dir, --report and --csv go with --dataset");
                var refBeats = BeatAnnotations.Read(refPath);
                var estBeats = BeatAnnotations.Read(estPath);
                foreach (var (path, beats) in new[] { (refPath, refBeats), (estPath, estBeats) })
                    if (beats.Count(b => options.Keeps(b.Time)) < 2)
                        Reporter.Warning($"{path}: fewer than two beats{(options.EffectiveMinBeatTime > 0 ? $" after {options.EffectiveMinBeatTime:0.###} s" : "")}; the interval-based metrics (Goto, P-score, continuity, information gain) are 0");
                var scores = BeatEvaluation.Evaluate(refBeats, estBeats, options);
                Console.Out.Write(parse.GetValue(json) ? ScoreFormatting.Json(scores) : ScoreFormatting.Text(scores));
                return 0;
            }
            if (refPath is not null || estPath is not null) throw new GrooveException("--ref/--est and --dataset cannot be combined");

            var data = Dataset.Open(datasetDir);
            var tracks = BeatDatasetEstimators.TracksWithBeats(data);
            if (tracks.Count == 0) throw new GrooveException($"{datasetDir}: no track has a beat annotation (beats/ or jams/)");
            var list = o.DatasetEstimators(parse, n => BeatDatasetEstimators.FromTracker(trackers(n), options), f => BeatDatasetEstimators.FromFolder(f, options));

            var evaluation = DatasetEvaluationRunner.Run(tracks, list, "Evaluating beats");
            if (parse.GetValue(report) is { } reportPath)
                AtomicFile.WriteAllText(reportPath, BeatReportHtml.Render($"Beat evaluation: {Path.GetFileName(data.Root)}", evaluation, options));
            return DatasetEvaluationRunner.Finish(evaluation, parse.GetValue(json), parse.GetValue(csv), BeatEvaluation.ShortName);
        }));
        return cmd;
    }
}
