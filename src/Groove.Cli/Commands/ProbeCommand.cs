using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Groove.Cli.Infrastructure;
using Groove.Evaluation.Probe;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove probe --index LIB --labels CSV [--folds N] [--json]</c>: how well a linear classifier (logistic
/// regression) predicts labels from the indexed track vectors, cross-validated with stratified folds (<c>--folds 0</c>:
/// leave-one-out). The CSV has one "track,label" row per track (comma or tab; a header row is skipped when its
/// track matches nothing); a track is its path or its file name with or without extension.
/// </summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var index = new Option<string>("--index") { Description = "Library index: an SQLite file or postgres://user@host/db", Required = true };
        var labels = new Option<string>("--labels") { Description = "CSV of track,label rows", Required = true };
        var folds = new Option<int>("--folds") { Description = "Stratified folds (0: leave-one-out)", DefaultValueFactory = _ => 5 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the fold assignment and the bootstrap", DefaultValueFactory = _ => 1UL };
        var test = new Option<string?>("--test-labels") { Description = "CSV of held-out test tracks: train on --labels, score on these (a fixed split) instead of cross-validating" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var cmd = new Command("probe", "Cross-validated linear probe of the indexed vectors against labels (accuracy, macro-F1)") { index, labels, folds, seed, test, json };
        cmd.SetAction(parse =>
        {
            try
            {
                int f = parse.GetValue(folds);
                if (f < 0 || f == 1) throw new GrooveException($"--folds must be 0 (leave-one-out) or at least 2, not {f}");
                var csv = parse.GetValue(labels)!;
                using var lib = LibraryIndex.OpenExisting(parse.GetValue(index)!);
                var search = lib.LoadSearch();
                var (rows, unmatched) = TrackLabels.Read(csv, search);
                if (unmatched > 0) Reporter.Warning($"{unmatched} labelled tracks are not in the index (or the header row)");
                var names = rows.Select(r => r.Label).Distinct().Order(StringComparer.Ordinal).ToList();
                var x = rows.Select(r => search.Row(r.Row).ToArray()).ToList();
                var y = rows.Select(r => names.IndexOf(r.Label)).ToList();
                ProbeResult result;
                if (parse.GetValue(test) is { } testCsv)
                {
                    var (testRows, testUnmatched) = TrackLabels.Read(testCsv, search);
                    if (testUnmatched > 0) Reporter.Warning($"{testUnmatched} test tracks are not in the index (or the header row)");
                    int unseen = testRows.Count(r => !names.Contains(r.Label));
                    if (unseen > 0) Reporter.Warning($"{unseen} test tracks have labels absent from the training labels and are left out");
                    testRows = testRows.Where(r => names.Contains(r.Label)).ToList();
                    result = LinearProbe.TrainTest(x, y, testRows.Select(r => search.Row(r.Row).ToArray()).ToList(),
                        testRows.Select(r => names.IndexOf(r.Label)).ToList(), names.Count, parse.GetValue(seed));
                }
                else result = LinearProbe.Run(x, y, f, parse.GetValue(seed));
                if (parse.GetValue(json))
                    Console.Out.WriteLine(JsonSerializer.Serialize(new
                    {
                        model = lib.Model, items = result.Items, classes = result.Classes, folds = result.Folds,
                        accuracy = result.Accuracy, accuracy_sd = result.AccuracySpread, macro_f1 = result.MacroF1, macro_f1_sd = result.MacroF1Spread,
                        fold_accuracy_mean = result.FoldAccuracyMean, fold_accuracy_sd = result.FoldAccuracyStd,
                    }, new JsonSerializerOptions { WriteIndented = true }));
                else
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{result.Items} {(result.Folds == 1 ? "test " : "")}tracks, {result.Classes} labels, {(result.Folds == 1 ? "fixed split" : result.Folds == result.Items ? "leave-one-out" : $"{result.Folds} stratified folds")}, model {lib.Model}\n" +
                        $"accuracy  {result.Accuracy:F3} ± {result.AccuracySpread:F3} (bootstrap s.d.; per fold {result.FoldAccuracyMean:F3} ± {result.FoldAccuracyStd:F3})\n" +
                        $"macro-F1  {result.MacroF1:F3} ± {result.MacroF1Spread:F3} (bootstrap s.d.)"));
                return 0;
            }
            catch (Exception e) { return Reporter.Fatal(e); }
        });
        return cmd;
    }
}
