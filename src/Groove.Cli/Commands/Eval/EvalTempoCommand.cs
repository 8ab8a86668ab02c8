using System.CommandLine;
using Groove.IO.Annotations;
using Groove.Evaluation.Datasets;
using Groove.Evaluation.Tempo;
using Groove.Rhythm;
using Groove.IO.Datasets;

namespace Groove.Cli.Commands.Eval;

/// <summary><c>groove eval tempo</c>: P-score, one/both correct (mir_eval, 8 %), Accuracy 1 and 2 (4 %).</summary>
internal static class EvalTempoCommand
{
    public static Command Create(Func<string, IBeatTracker> lookup)
    {
        var o = new EvalOptions("tempo", "'bpm' or 't1 t2 weight'; .jams", "Beat tracker whose tempo (t1 t2 weight)");
        var (reference, estimate, dataset, estDirs, estimators, csv, json) = (o.Reference, o.Estimate, o.Dataset, o.EstimateDirs, o.Estimators, o.Csv, o.Json);
        var cmd = new Command("tempo", "Score estimated tempi: P-score, One-correct, Both-correct (mir_eval), Accuracy 1 and 2");
        foreach (var option in o.All) cmd.Options.Add(option);
        cmd.SetAction(parse => EvalCommand.Guarded(() =>
        {
            var datasetDir = parse.GetValue(dataset);
            if (datasetDir is null)
            {
                if (parse.GetValue(reference) is not { } r || parse.GetValue(estimate) is not { } e) throw new GrooveException("give --ref and --est, or --dataset DIR with --estimator NAME or --est-dir DIR");
                var scores = TempoEvaluation.Evaluate(TempoAnnotations.Read(r), TempoAnnotations.Read(e));
                Console.Out.Write(parse.GetValue(json)
                    ? ScoreFormatting.Json(scores, new HashSet<string> { TempoEvaluation.OneCorrect, TempoEvaluation.BothCorrect })
                    : ScoreFormatting.Text(scores));
                return 0;
            }
            var data = Dataset.Open(datasetDir);
            var tracks = TempoKeyDatasetEstimators.TracksWith(data, "tempo");
            if (tracks.Count == 0) throw new GrooveException($"{datasetDir}: no track has a tempo annotation (tempo/ or jams/)");
            var list = (parse.GetValue(estimators) ?? []).Select(n => TempoKeyDatasetEstimators.TempoFromTracker(lookup(n))).ToList();
            list.AddRange((parse.GetValue(estDirs) ?? []).Select(d => TempoKeyDatasetEstimators.TempoFromFolder(new EstimateFolder(d))));
            if (list.Count == 0) throw new GrooveException("nothing to evaluate: give --estimator NAME or --est-dir DIR");
            var evaluation = DatasetEvaluationRunner.Run(tracks, list, "Evaluating tempo");
            return DatasetEvaluationRunner.Finish(evaluation, parse.GetValue(json), parse.GetValue(csv), TempoEvaluation.ShortName);
        }));
        return cmd;
    }
}
