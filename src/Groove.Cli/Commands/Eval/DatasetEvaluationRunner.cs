using Groove.Cli.Infrastructure;
using Groove.Evaluation.Datasets;
using Groove.IO;
using Spectre.Console;
using Groove.IO.Datasets;

namespace Groove.Cli.Commands.Eval;

/// <summary>Runs a <see cref="DatasetEvaluation"/> with a progress bar, reports failed tracks, and writes the outputs.</summary>
internal static class DatasetEvaluationRunner
{
    public static DatasetEvaluation Run(IReadOnlyList<DatasetTrack> tracks, IReadOnlyList<DatasetEstimator> estimators, string description)
    {
        int total = tracks.Count * estimators.Count;
        DatasetEvaluation? result = null;
        bool showProgress = total > 1 && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (showProgress)
        {
            Groove.Cli.Infrastructure.Reporter.ErrorConsole.Progress().AutoClear(true).Start(ctx =>
            {
                var task = ctx.AddTask(description, maxValue: total);
                result = DatasetEvaluation.Run(tracks, estimators, progress: new SynchronousProgress(n => task.Value = n));
            });
        }
        else result = DatasetEvaluation.Run(tracks, estimators);

        const int maxLines = 10;
        int reported = 0, failed = 0;
        for (int e = 0; e < result!.Estimators.Count; e++)
            foreach (var r in result.ResultsOf(e).Where(r => !r.Succeeded))
            {
                failed++;
                if (reported++ < maxLines) Reporter.Warning($"{r.Estimator} on {r.Track}: {r.Error}");
            }
        if (failed > maxLines) Reporter.Warning($"... and {failed - maxLines} more track(s) could not be scored");
        return result;
    }

    /// <summary>Prints the summary (table, or JSON with <paramref name="json"/>), writes the CSV; returns the exit code.</summary>
    public static int Finish(DatasetEvaluation evaluation, bool json, string? csvPath, Func<string, string> shortName)
    {
        if (json) Console.Out.Write(ScoreFormatting.SummaryJson(evaluation));
        else ScoreFormatting.WriteSummaryTable(evaluation, shortName, Console.Out);
        if (csvPath is not null) AtomicFile.WriteAllText(csvPath, ScoreFormatting.Csv(evaluation));
        bool anyFailed = Enumerable.Range(0, evaluation.Estimators.Count).Any(e => evaluation.ResultsOf(e).Any(r => !r.Succeeded));
        return anyFailed ? Reporter.InputError : 0;
    }

    /// <summary>Progress reported on the calling thread (Progress&lt;T&gt; would post to a context).</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        private readonly object _gate = new();
        public void Report(int value) { lock (_gate) report(value); }
    }
}
