using System.CommandLine;
using System.Globalization;
using Groove.Cli.Infrastructure;
using Groove.Evaluation.Datasets;
using Groove.Evaluation.FewShot;
using Groove.IO;
using Groove.Rhythm.Learned;
using Groove.IO.Datasets;

namespace Groove.Cli.Commands.Eval;

/// <summary>
/// <c>groove eval few-shot</c>: the Zero-Note Samba few-shot protocol (<see cref="FewShotProtocol"/>) — train a beat
/// model on k labelled tracks per run, early-stop on validation F-measure, score on a fixed test set.
/// </summary>
internal static class FewShotCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "Dataset folder with audio/ and beats/", Required = true };
        var model = new Option<string>("--model") { Description = "Model kind to train from scratch (bigru) or a .safetensors file to fine-tune", DefaultValueFactory = _ => BiGruBeatModel.KindName };
        var sizes = new Option<string>("--sizes") { Description = "Training-set sizes k, comma-separated (0: no training)", DefaultValueFactory = _ => "1,2,4,8" };
        var runs = new Option<int>("--runs") { Description = "Runs per size", DefaultValueFactory = _ => 10 };
        var seed = new Option<ulong>("--seed") { Description = "Master seed", DefaultValueFactory = _ => 1UL };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs (each: --steps updates, then validation)", DefaultValueFactory = _ => 20 };
        var steps = new Option<int>("--steps") { Description = "Updates per epoch", DefaultValueFactory = _ => 25 };
        var batch = new Option<int>("--batch") { Description = "Excerpts per batch", DefaultValueFactory = _ => 4 };
        var excerpt = new Option<double>("--excerpt") { Description = "Training excerpt length in seconds", DefaultValueFactory = _ => 8.0 };
        var patience = new Option<int>("--patience") { Description = "Early-stopping patience in epochs", DefaultValueFactory = _ => 5 };
        var test = new Option<int?>("--test") { Description = "Test tracks (default 30 % of the dataset)" };
        var val = new Option<int>("--val") { Description = "Validation tracks", DefaultValueFactory = _ => 3 };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N tracks (by name)" };
        var csv = new Option<string>("--csv") { Description = "Write per-run results as CSV" };
        var jsonOut = new Option<string>("--json-out") { Description = "Write configuration, split, summary and runs as JSON" };
        var saveDir = new Option<string>("--save-dir") { Description = "Save each run's kept weights as DIR/k<size>-run<run>.safetensors (usable with --model, groove beats --model)" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of the table" };
        var lr = new Option<float?>("--lr") { Description = "Adam learning rate (default: the model's own; bigru 3e-3, zerons 1e-3)" };
        var cmd = new Command("few-shot", "Few-shot beat tracking (Zero-Note Samba protocol): train on k labelled tracks, score on a held-out test set")
        {
            dataset, model, sizes, runs, seed, epochs, steps, batch, excerpt, patience, test, val, limit, csv, jsonOut, saveDir, json, lr,
        };
        cmd.SetAction(parse => EvalCommand.Guarded(() =>
        {
            var options = new FewShotOptions
            {
                Sizes = ParseSizes(parse.GetValue(sizes)!), Runs = parse.GetValue(runs), Seed = parse.GetValue(seed),
                Epochs = parse.GetValue(epochs), StepsPerEpoch = parse.GetValue(steps), BatchSize = parse.GetValue(batch),
                ExcerptSeconds = parse.GetValue(excerpt), Patience = parse.GetValue(patience), TestCount = parse.GetValue(test),
                ValidationCount = parse.GetValue(val),
            };
            options.Validate();
            var modelSpec = parse.GetValue(model)!;
            var reportName = parse.GetValue(lr) is { } rate ? string.Create(CultureInfo.InvariantCulture, $"{modelSpec} lr={rate:g4}") : modelSpec;
            var factory = BeatActivationModels.Factory(modelSpec, learningRate: parse.GetValue(lr));
            var data = Dataset.Open(parse.GetValue(dataset)!);
            var features = factory(0).Features;
            var tracks = FewShotData.Load(data, features, parse.GetValue(limit));
            if (tracks.Count == 0) throw new GrooveException($"{data.Root}: no track has audio and a beat annotation");
            var saveTo = parse.GetValue(saveDir);
            if (saveTo is not null) Directory.CreateDirectory(saveTo);
            var report = FewShotProtocol.Run(tracks, factory, reportName, options, (r, trained) =>
            {
                Console.Error.WriteLine(string.Format(CultureInfo.InvariantCulture,
                    "k={0} run {1}: test F {2:0.000} CMLt {3:0.000} AMLt {4:0.000} (val F {5:0.000}, epoch {6}, {7} steps, {8:0.0} s)",
                    r.Size, r.Run, r.TestF, r.TestCmlt, r.TestAmlt, r.ValidationF, r.BestEpoch, r.Steps, r.Seconds));
                if (saveTo is not null) trained.Save(Path.Combine(saveTo, $"k{r.Size}-run{r.Run}.safetensors"));
            });
            if (parse.GetValue(csv) is { } csvPath) AtomicFile.WriteAllText(csvPath, FewShotReportWriter.Csv(report));
            if (parse.GetValue(jsonOut) is { } jsonPath) AtomicFile.WriteAllText(jsonPath, FewShotReportWriter.Json(report));
            Console.Out.Write(parse.GetValue(json) ? FewShotReportWriter.Json(report) : FewShotReportWriter.Table(report));
            return 0;
        }));
        return cmd;
    }

    internal static IReadOnlyList<int> ParseSizes(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new List<int>();
        foreach (var p in parts)
            result.Add(int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) && k >= 0
                ? k : throw new GrooveException($"--sizes: '{p}' is not a size ≥ 0"));
        return result.Count > 0 ? result : throw new GrooveException("--sizes: give at least one size");
    }
}
