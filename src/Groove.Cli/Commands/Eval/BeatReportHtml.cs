using System.Globalization;
using System.Net;
using System.Text;
using Groove.Evaluation.Beats;
using Groove.Evaluation.Datasets;
using Groove.Rhythm;

namespace Groove.Cli.Commands.Eval;

/// <summary>
/// A self-contained HTML report of a dataset beat evaluation: the summary table, then per track the scores and an
/// inline SVG with the reference beats above each estimator's beats (downbeats drawn longer; estimated beats within
/// ±70 ms of a reference beat in green, others in red; the trimmed start shaded).
/// </summary>
internal static class BeatReportHtml
{
    private static readonly CultureInfo Ic = CultureInfo.InvariantCulture;
    private const double HitWindow = 0.07;

    public static string Render(string title, DatasetEvaluation evaluation, BeatEvaluationOptions options)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(Enc(title)).Append("</title>\n<style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0}")
          .Append("td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th:first-child,td:first-child{text-align:left}")
          .Append(".track{margin:1.5em 0}.plot{overflow-x:auto}.err{color:#b00}svg text{font-size:11px;fill:#444}")
          .Append("</style></head><body>\n");
        sb.Append("<h1>").Append(Enc(title)).Append("</h1>\n<p>")
          .Append(Enc(options.Conventions == BeatMetricConventions.MirEval ? "mir_eval" : "madmom")).Append(" conventions; beats before ")
          .Append(options.EffectiveMinBeatTime.ToString("0.###", Ic)).Append(" s ignored. Mean ± standard deviation over the scored tracks.</p>\n");

        var metrics = evaluation.Metrics();
        sb.Append("<table><tr><th>Metric</th>");
        foreach (var e in evaluation.Estimators) sb.Append("<th>").Append(Enc(e)).Append("</th>");
        sb.Append("</tr>\n");
        var summaries = Enumerable.Range(0, evaluation.Estimators.Count).Select(evaluation.Summary).ToList();
        foreach (var m in metrics)
        {
            sb.Append("<tr><td>").Append(Enc(m)).Append("</td>");
            foreach (var s in summaries.Select(x => x.First(y => y.Metric == m)))
                sb.Append("<td>").Append(s.Count == 0 ? "–" : string.Create(Ic, $"{s.Mean:F3} ± {s.StandardDeviation:F3}")).Append("</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</table>\n");

        // Tracks from the worst F-measure of the first estimator up, linked to their plots.
        sb.Append("<h2>Tracks, worst first</h2>\n<table><tr><th>Track</th>");
        foreach (var e in evaluation.Estimators) sb.Append("<th>F (").Append(Enc(e)).Append(")</th>");
        sb.Append("</tr>\n");
        double FOf(int e, int t) => evaluation.Result(e, t).Scores is { } sc && sc.TryGet(BeatEvaluation.FMeasure, out var f) ? f : double.NegativeInfinity;
        foreach (int t in Enumerable.Range(0, evaluation.Tracks.Count).OrderBy(t => FOf(0, t)).ThenBy(t => evaluation.Tracks[t], StringComparer.Ordinal))
        {
            sb.Append("<tr><td><a href=\"#t").Append(t.ToString(Ic)).Append("\">").Append(Enc(evaluation.Tracks[t])).Append("</a></td>");
            for (int e = 0; e < evaluation.Estimators.Count; e++)
                sb.Append("<td>").Append(double.IsFinite(FOf(e, t)) ? FOf(e, t).ToString("F3", Ic) : "failed").Append("</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</table>\n");

        for (int t = 0; t < evaluation.Tracks.Count; t++)
        {
            sb.Append("<div class=\"track\" id=\"t").Append(t.ToString(Ic)).Append("\"><h2>").Append(Enc(evaluation.Tracks[t])).Append("</h2>\n<table><tr><th>Estimator</th>");
            foreach (var m in metrics) sb.Append("<th>").Append(Enc(BeatEvaluation.ShortName(m))).Append("</th>");
            sb.Append("</tr>\n");
            for (int e = 0; e < evaluation.Estimators.Count; e++)
            {
                var r = evaluation.Result(e, t);
                sb.Append("<tr><td>").Append(Enc(r.Estimator)).Append("</td>");
                if (r.Scores is { } scores)
                    foreach (var m in metrics)
                        sb.Append("<td>").Append(scores.TryGet(m, out var v) ? v.ToString("F3", Ic) : "–").Append("</td>");
                else sb.Append("<td class=\"err\" colspan=\"").Append(metrics.Count).Append("\">").Append(Enc(r.Error ?? "")).Append("</td>");
                sb.Append("</tr>\n");
            }
            sb.Append("</table>\n<div class=\"plot\">").Append(Plot(evaluation, t, options.EffectiveMinBeatTime)).Append("</div></div>\n");
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    /// <summary>The beat-marker plot of one track.</summary>
    internal static string Plot(DatasetEvaluation evaluation, int t, double trimmed)
    {
        var results = Enumerable.Range(0, evaluation.Estimators.Count).Select(e => evaluation.Result(e, t)).ToList();
        var reference = results.Select(r => r.ReferenceBeats).FirstOrDefault(b => b is not null) ?? [];
        double duration = Math.Max(1, results.Max(r => r.Duration));
        const int labelWidth = 150, rowHeight = 28, top = 18;
        double plotWidth = Math.Clamp(duration * 40, 900, 12000);
        int rows = 1 + results.Count;
        double width = labelWidth + plotWidth + 10, height = top + rows * rowHeight + 4;
        double X(double time) => labelWidth + time / duration * plotWidth;

        var sb = new StringBuilder();
        sb.Append(string.Create(Ic, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:F0}\" height=\"{height:F0}\" viewBox=\"0 0 {width:F0} {height:F0}\">"));
        if (trimmed > 0)
            sb.Append(string.Create(Ic, $"<rect x=\"{labelWidth}\" y=\"{top}\" width=\"{X(Math.Min(trimmed, duration)) - labelWidth:F1}\" height=\"{rows * rowHeight}\" fill=\"#eee\"><title>ignored (before {trimmed:0.###} s)</title></rect>"));
        for (double tick = 0; tick <= duration; tick += 5)
            sb.Append(string.Create(Ic, $"<line x1=\"{X(tick):F1}\" y1=\"{top - 4}\" x2=\"{X(tick):F1}\" y2=\"{top + rows * rowHeight}\" stroke=\"#ddd\"/><text x=\"{X(tick) + 2:F1}\" y=\"{top - 6}\">{tick:0} s</text>"));

        Row(sb, 0, "reference", reference, null);
        for (int e = 0; e < results.Count; e++)
            Row(sb, e + 1, results[e].Estimator, results[e].EstimatedBeats ?? [], reference);
        sb.Append("</svg>");
        return sb.ToString();

        void Row(StringBuilder s, int row, string label, IReadOnlyList<Beat> beats, IReadOnlyList<Beat>? against)
        {
            double y0 = top + row * rowHeight;
            s.Append(string.Create(Ic, $"<text x=\"4\" y=\"{y0 + rowHeight / 2 + 4:F0}\">{Enc(Shorten(label))}</text>"));
            s.Append(string.Create(Ic, $"<line x1=\"{labelWidth}\" y1=\"{y0 + rowHeight - 2}\" x2=\"{labelWidth + plotWidth:F1}\" y2=\"{y0 + rowHeight - 2}\" stroke=\"#bbb\"/>"));
            var refTimes = against?.Select(b => b.Time).Order().ToArray();
            foreach (var b in beats)
            {
                string colour = refTimes is null ? "#333" : IsHit(refTimes, b.Time) ? "#1a7f37" : "#cf222e";
                double y1 = b.IsDownbeat ? y0 + 2 : y0 + 9;
                s.Append(string.Create(Ic, $"<line x1=\"{X(b.Time):F1}\" y1=\"{y1:F0}\" x2=\"{X(b.Time):F1}\" y2=\"{y0 + rowHeight - 2:F0}\" stroke=\"{colour}\" stroke-width=\"{(b.IsDownbeat ? 2.5 : 1.2):F1}\"><title>{b.Time:F3} s{(b.BeatInBar > 0 ? $" (beat {b.BeatInBar})" : "")}</title></line>"));
            }
        }
    }

    private static bool IsHit(double[] sortedReference, double time)
    {
        int i = Array.BinarySearch(sortedReference, time);
        if (i >= 0) return true;
        i = ~i;
        return (i < sortedReference.Length && sortedReference[i] - time <= HitWindow) || (i > 0 && time - sortedReference[i - 1] <= HitWindow);
    }

    private static string Shorten(string s) => s.Length <= 22 ? s : s[..21] + "…";
    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
