using System.CommandLine;
using Groove.Analysis;
using Groove.Cli.Infrastructure;

namespace Groove.Cli.Commands;

/// <summary><c>groove analyze FILE...</c>: the one-stop summary (duration, sample rate; tempo, beats and key as they land).</summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Audio files", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("analyze", "Summarise each file: duration, sample rate, tempo, beats, key") { files };
        cmd.SetAction(parse =>
        {
            var inputs = parse.GetValue(files) ?? [];
            var analyzer = new Analyzer();
            return BatchRunner.Run(inputs, new BatchOptions(Description: "Analysing"),
                item => ResultWriter.Summary(item.InputPath, analyzer.Analyze(item.InputPath, onWarning: item.Warn)));
        });
        return cmd;
    }
}
