using System.Globalization;
using System.Text;
using System.Text.Json;
using Groove.Cli.Infrastructure;
using Groove.Evaluation;
using Groove.Evaluation.Datasets;
using Spectre.Console;

namespace Groove.Cli.Commands.Eval;

/// <summary>Text, JSON, table and CSV renderings of evaluation results.</summary>
internal static class ScoreFormatting
{
    private static readonly CultureInfo Ic = CultureInfo.InvariantCulture;

    /// <summary>"name  value" lines, names padded to a column.</summary>
    public static string Text(Scores scores)
    {
        int width = scores.Names.Max(n => n.Length) + 2;
        var sb = new StringBuilder();
        foreach (var (name, value) in scores)
            sb.Append(name.PadRight(width)).AppendLine(value.ToString("F6", Ic));
        return sb.ToString();
    }

    /// <summary>A JSON object of metric name → value, as mir_eval names them; <paramref name="booleans"/> are written as true/false (mir_eval's tempo flags).</summary>
    public static string Json(Scores scores, IReadOnlySet<string>? booleans = null) => ResultWriter.Json(w =>
    {
        w.WriteStartObject();
        foreach (var (name, value) in scores)
        {
            if (booleans?.Contains(name) == true) w.WriteBoolean(name, value != 0);
            else WriteNumber(w, name, value);
        }
        w.WriteEndObject();
    }) + "\n";

    /// <summary>Per estimator and metric: mean, std and track count; plus the failed tracks.</summary>
    public static string SummaryJson(DatasetEvaluation evaluation) => ResultWriter.Json(w =>
    {
        w.WriteStartObject();
        for (int e = 0; e < evaluation.Estimators.Count; e++)
        {
            w.WriteStartObject(evaluation.Estimators[e]);
            foreach (var s in evaluation.Summary(e))
            {
                w.WriteStartObject(s.Metric);
                WriteNumber(w, "mean", s.Mean);
                WriteNumber(w, "std", s.StandardDeviation);
                w.WriteNumber("n", s.Count);
                w.WriteEndObject();
            }
            w.WriteStartObject("failed");
            foreach (var r in evaluation.ResultsOf(e).Where(r => !r.Succeeded)) w.WriteString(r.Track, r.Error);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }) + "\n";

    private static void WriteNumber(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }

    /// <summary>Metrics as rows, estimators as columns, "mean ± std" cells.</summary>
    public static void WriteSummaryTable(DatasetEvaluation evaluation, Func<string, string> shortName, TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        // Redirected output has no width; give the table room rather than cutting estimator names short.
        if (ReferenceEquals(output, Console.Out) ? Console.IsOutputRedirected : true) console.Profile.Width = 400;
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("Metric");
        foreach (var name in evaluation.Estimators) table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
        var summaries = Enumerable.Range(0, evaluation.Estimators.Count).Select(evaluation.Summary).ToList();
        var metrics = evaluation.Metrics();
        foreach (var metric in metrics)
        {
            var row = new List<string> { Markup.Escape(shortName(metric)) };
            foreach (var summary in summaries)
            {
                var s = summary.First(m => m.Metric == metric);
                row.Add(s.Count == 0 ? "–" : string.Create(Ic, $"{s.Mean:F3} ± {s.StandardDeviation:F3}"));
            }
            table.AddRow(row.ToArray());
        }
        var counts = new List<string> { "tracks" };
        for (int e = 0; e < evaluation.Estimators.Count; e++)
        {
            int ok = evaluation.ResultsOf(e).Count(r => r.Succeeded), failed = evaluation.Tracks.Count - ok;
            counts.Add(failed == 0 ? ok.ToString(Ic) : $"{ok} ({failed} failed)");
        }
        table.AddRow(counts.ToArray());
        console.Write(table);
    }

    /// <summary>One row per (estimator, track): the metrics, then the error for tracks that could not be scored.</summary>
    public static string Csv(DatasetEvaluation evaluation)
    {
        var metrics = evaluation.Metrics();
        var sb = new StringBuilder();
        sb.AppendJoin(',', new[] { "estimator", "track" }.Concat(metrics).Append("error").Select(CsvField)).Append('\n');
        for (int e = 0; e < evaluation.Estimators.Count; e++)
            foreach (var r in evaluation.ResultsOf(e))
            {
                var cells = new List<string> { r.Estimator, r.Track };
                foreach (var m in metrics)
                    cells.Add(r.Scores is { } s && s.TryGet(m, out var v) ? v.ToString("R", Ic) : "");
                cells.Add(r.Error ?? "");
                sb.AppendJoin(',', cells.Select(CsvField)).Append('\n');
            }
        return sb.ToString();
    }

    private static string CsvField(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
