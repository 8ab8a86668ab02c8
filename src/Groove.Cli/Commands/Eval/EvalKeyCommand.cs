using System.CommandLine;
using Groove.Cli.Infrastructure;
using Groove.IO.Annotations;
using Groove.Evaluation.Datasets;
using Groove.Evaluation.Key;
using Groove.Tonality;
using Groove.IO.Datasets;

namespace Groove.Cli.Commands.Eval;

/// <summary><c>groove eval key</c>: MIREX weighted score, accuracy, key-signature accuracy.</summary>
internal static class EvalKeyCommand
{
    public static Command Create(Func<string, IKeyEstimator> lookup)
    {
        var o = new EvalOptions("key", "'C major', 'F#\\tminor', 'Gb:maj', Lerch integer, .jams", "Key estimator (profile name)");
        var fifths = new Option<string>("--fifths")
        {
            Description = "Fifths that score 0.5: both (MIREX since 2017) or up (mir_eval's default: estimate a fifth above)",
            DefaultValueFactory = _ => "both",
        };
        fifths.AcceptOnlyFromAmong("both", "up");
        var cmd = new Command("key", "Score estimated keys: MIREX weighted score, accuracy, key-signature accuracy");
        foreach (var option in o.All.Append(fifths)) cmd.Options.Add(option);
        cmd.SetAction(parse => EvalCommand.Guarded(() =>
        {
            bool descending = parse.GetValue(fifths) != "up";
            if (o.Pair(parse) is var (r, e))
            {
                var scores = KeyEvaluation.Evaluate(KeyAnnotations.Read(r), KeyAnnotations.Read(e), descending);
                Console.Out.Write(parse.GetValue(o.Json) ? ScoreFormatting.Json(scores) : ScoreFormatting.Text(scores));
                return 0;
            }
            var datasetDir = parse.GetValue(o.Dataset)!;
            var data = Dataset.Open(datasetDir);
            var tracks = TempoKeyDatasetEstimators.TracksWithKey(data, out int withoutKey);
            if (withoutKey > 0) Reporter.Warning($"{withoutKey} track(s) whose reference says there is no key are not scored");
            if (tracks.Count == 0) throw new GrooveException($"{datasetDir}: no track has a key annotation naming a key (key/ or jams/)");
            var list = o.DatasetEstimators(parse, n => TempoKeyDatasetEstimators.KeyFromEstimator(lookup(n), descending),
                f => TempoKeyDatasetEstimators.KeyFromFolder(f, descending));
            return o.RunDataset(parse, tracks, list, "Evaluating keys", KeyEvaluation.ShortName);
        }));
        return cmd;
    }
}
