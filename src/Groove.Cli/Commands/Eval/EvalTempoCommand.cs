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
        var cmd = new Command("tempo", "Score estimated tempi: P-score, One-correct, Both-correct (mir_eval), Accuracy 1 and 2");
        foreach (var option in o.All) cmd.Options.Add(option);
        cmd.SetAction(parse => EvalCommand.Guarded(() =>
        {
            if (o.Pair(parse) is var (r, e))
            {
                var scores = TempoEvaluation.Evaluate(TempoAnnotations.Read(r), TempoAnnotations.Read(e));
                Console.Out.Write(parse.GetValue(o.Json)
                    ? ScoreFormatting.Json(scores, new HashSet<string> { TempoEvaluation.OneCorrect, TempoEvaluation.BothCorrect })
                    : ScoreFormatting.Text(scores));
                return 0;
            }
            var datasetDir = parse.GetValue(o.Dataset)!;
            var data = Dataset.Open(datasetDir);
            var tracks = TempoKeyDatasetEstimators.TracksWith(data, "tempo");
            if (tracks.Count == 0) throw new GrooveException($"{datasetDir}: no track has a tempo annotation (tempo/ or jams/)");
            var list = o.DatasetEstimators(parse, n => TempoKeyDatasetEstimators.TempoFromTracker(lookup(n)), TempoKeyDatasetEstimators.TempoFromFolder);
            return o.RunDataset(parse, tracks, list, "Evaluating tempo", TempoEvaluation.ShortName);
        }));
        return cmd;
    }
}
