using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Groove.Evaluation.FewShot;

/// <summary>Text table, per-run CSV and JSON renderings of a <see cref="FewShotReport"/>.</summary>
public static class FewShotReportWriter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>CSV header of <see cref="Csv"/>.</summary>
    public const string CsvHeader = "size,run,train_tracks,best_epoch,steps,validation_f,test_f,test_cmlt,test_amlt,seconds";

    /// <summary>Plain-text table: size k → mean ± std of F-measure, CMLt and AMLt over the runs.</summary>
    public static string Table(FewShotReport report)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Few-shot beat tracking, model {report.Model}: {report.TestTracks.Count} test, {report.ValidationTracks.Count} validation, {report.PoolTracks.Count} pool tracks");
        sb.AppendLine(" size  runs  F-measure        CMLt             AMLt");
        foreach (var s in report.Summary())
            sb.AppendLine(string.Format(Inv, "{0,5}  {1,4}  {2:0.000} ± {3:0.000}    {4:0.000} ± {5:0.000}    {6:0.000} ± {7:0.000}",
                s.Size, s.Runs, s.MeanF, s.StdF, s.MeanCmlt, s.StdCmlt, s.MeanAmlt, s.StdAmlt));
        return sb.ToString();
    }

    /// <summary>One row per run (training tracks joined with ';').</summary>
    public static string Csv(FewShotReport report)
    {
        var sb = new StringBuilder(CsvHeader).Append('\n');
        foreach (var r in report.Runs)
            sb.Append(string.Format(Inv, "{0},{1},{2},{3},{4},{5:0.######},{6:0.######},{7:0.######},{8:0.######},{9:0.###}\n",
                r.Size, r.Run, Quote(string.Join(';', r.TrainTracks)), r.BestEpoch, r.Steps, r.ValidationF, r.TestF, r.TestCmlt, r.TestAmlt, r.Seconds));
        return sb.ToString();
    }

    /// <summary>JSON with the configuration, the split, the per-size summary and every run.</summary>
    public static string Json(FewShotReport report)
    {
        var o = report.Options;
        var doc = new
        {
            model = report.Model,
            options = new
            {
                sizes = o.Sizes, runs = o.Runs, seed = o.Seed, epochs = o.Epochs, steps_per_epoch = o.StepsPerEpoch,
                batch_size = o.BatchSize, excerpt_seconds = o.ExcerptSeconds, patience = o.Patience,
            },
            split = new { test = report.TestTracks, validation = report.ValidationTracks, pool = report.PoolTracks },
            summary = report.Summary().Select(s => new
            {
                size = s.Size, runs = s.Runs,
                f_measure = new { mean = s.MeanF, std = s.StdF },
                cmlt = new { mean = s.MeanCmlt, std = s.StdCmlt },
                amlt = new { mean = s.MeanAmlt, std = s.StdAmlt },
            }),
            runs = report.Runs.Select(r => new
            {
                size = r.Size, run = r.Run, train_tracks = r.TrainTracks, best_epoch = r.BestEpoch, steps = r.Steps,
                validation_f = r.ValidationF, test_f = r.TestF, test_cmlt = r.TestCmlt, test_amlt = r.TestAmlt, seconds = r.Seconds,
            }),
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
