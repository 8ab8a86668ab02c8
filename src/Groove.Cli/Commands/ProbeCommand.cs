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
        var index = new Option<string>("--index") { Description = "Library index file", Required = true };
        var labels = new Option<string>("--labels") { Description = "CSV of track,label rows", Required = true };
        var folds = new Option<int>("--folds") { Description = "Stratified folds (0: leave-one-out)", DefaultValueFactory = _ => 5 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the fold assignment and the bootstrap", DefaultValueFactory = _ => 1UL };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var cmd = new Command("probe", "Cross-validated linear probe of the indexed vectors against labels (accuracy, macro-F1)") { index, labels, folds, seed, json };
        cmd.SetAction(parse =>
        {
            try
            {
                int f = parse.GetValue(folds);
                if (f < 0 || f == 1) throw new GrooveException($"--folds must be 0 (leave-one-out) or at least 2, not {f}");
                var csv = parse.GetValue(labels)!;
                if (!File.Exists(csv)) throw new GrooveException($"{csv}: no such labels file");
                using var lib = LibraryIndex.OpenExisting(parse.GetValue(index)!);
                var search = lib.LoadSearch();
                var rows = new List<(int Row, string Label)>();
                int unmatched = 0;
                foreach (var line in File.ReadLines(csv))
                {
                    if (string.IsNullOrWhiteSpace(line)) continue;
                    var parts = line.Split(line.Contains('\t') ? '\t' : ',', 2);
                    if (parts.Length < 2) throw new GrooveException($"{csv}: '{line}' is not a track,label row");
                    var name = parts[0].Trim(); var label = parts[1].Trim();
                    int row = Find(search, name);
                    if (row < 0) { unmatched++; continue; }
                    rows.Add((row, label));
                }
                if (unmatched > 0) Reporter.Warning($"{unmatched} labelled tracks are not in the index (or the header row)");
                var names = rows.Select(r => r.Label).Distinct().Order(StringComparer.Ordinal).ToList();
                var x = rows.Select(r => search.Row(r.Row).ToArray()).ToList();
                var y = rows.Select(r => names.IndexOf(r.Label)).ToList();
                var result = LinearProbe.Run(x, y, f, parse.GetValue(seed));
                if (parse.GetValue(json))
                    Console.Out.WriteLine(JsonSerializer.Serialize(new
                    {
                        model = lib.Model, items = result.Items, classes = result.Classes, folds = result.Folds,
                        accuracy = result.Accuracy, accuracy_sd = result.AccuracySpread, macro_f1 = result.MacroF1, macro_f1_sd = result.MacroF1Spread,
                        fold_accuracy_mean = result.FoldAccuracyMean, fold_accuracy_sd = result.FoldAccuracyStd,
                    }, new JsonSerializerOptions { WriteIndented = true }));
                else
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{result.Items} tracks, {result.Classes} labels, {(result.Folds == result.Items ? "leave-one-out" : $"{result.Folds} stratified folds")}, model {lib.Model}\n" +
                        $"accuracy  {result.Accuracy:F3} ± {result.AccuracySpread:F3} (bootstrap s.d.; per fold {result.FoldAccuracyMean:F3} ± {result.FoldAccuracyStd:F3})\n" +
                        $"macro-F1  {result.MacroF1:F3} ± {result.MacroF1Spread:F3} (bootstrap s.d.)"));
                return 0;
            }
            catch (Exception e) { return Reporter.Fatal(e); }
        });
        return cmd;
    }

    private static int Find(Groove.Index.VectorSearch search, string name)
    {
        var full = Path.IsPathRooted(name) || name.Contains('/') ? Path.GetFullPath(name) : null;
        int found = -1;
        for (int i = 0; i < search.Count; i++)
        {
            var p = search.Ids[i];
            if (p == full || Path.GetFileName(p) == name || Path.GetFileNameWithoutExtension(p) == name)
            {
                if (found >= 0) throw new GrooveException($"'{name}' matches several indexed tracks; give the full path");
                found = i;
            }
        }
        return found;
    }
}
