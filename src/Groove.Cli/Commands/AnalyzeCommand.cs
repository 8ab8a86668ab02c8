using System.CommandLine;
using Groove.Analysis;
using Groove.Cli.Infrastructure;
using Groove.Tonality;

namespace Groove.Cli.Commands;

/// <summary><c>groove analyze FILE... [--json]</c>: the one-stop summary (duration, sample rate; tempo, beats and key
/// as they land), from the <see cref="Analyzer"/> pipeline. With <c>--json</c>, one JSON object per file and line with
/// every beat time to 0.1 ms (tests compare runs with it).</summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Audio files", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "One JSON object per file (one per line) with all beat times, tempo and key" };
        var cmd = new Command("analyze", "Summarise each file: duration, sample rate, tempo, beats, key") { files, json };
        cmd.SetAction(parse =>
        {
            var inputs = parse.GetValue(files) ?? [];
            bool asJson = parse.GetValue(json);
            var analyzer = new Analyzer(new AnalysisOptions { Load = MaxDurationOption.Apply(parse) });
            return BatchRunner.Run(inputs, new BatchOptions(Description: "Analysing"), item =>
            {
                var result = analyzer.Analyze(item.InputPath, onWarning: item.Warn);
                return asJson ? ResultWriter.AnalysisJson(item.InputPath, result) : ResultWriter.Summary(item.InputPath, result);
            });
        });
        return cmd;
    }
}
