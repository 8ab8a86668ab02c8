using System.CommandLine;
using Groove.Analysis;
using Groove.Cli.Infrastructure;
using Groove.IO;
using Groove.Rhythm;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove beats FILE... [--out DIR] [--model NAME] [--format beats|json|csv] [--force] [--plot OUT.svg]</c>:
/// beats and downbeats of audio files; with --out, <c>DIR/&lt;name&gt;.beats</c> ("time TAB beat-in-bar", 1 = downbeat).
/// </summary>
internal static class BeatsCommand
{
    public static Command Create()
    {
        var io = new BatchCommandOptions("Write one file per input into this folder (default: print)");
        var model = new Option<string>("--model", "-m")
        {
            Description = $"Beat tracker: {string.Join(", ", BeatTrackers.Names)}",
            DefaultValueFactory = _ => new AnalysisOptions().BeatTracker,
        };
        var format = new Option<string>("--format") { Description = "beats (time TAB beat-in-bar), json or csv", DefaultValueFactory = _ => "beats" };
        format.AcceptOnlyFromAmong("beats", "json", "csv");
        var plot = new Option<string?>("--plot") { Description = "Also draw waveform, activation, beats and downbeats into this SVG (several inputs: OUT-<name>.svg)" };
        var cmd = new Command("beats", "Find beats and downbeats") { model, format, plot };
        io.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var inputs = io.Inputs(parse);
            string fmt = parse.GetValue(format) ?? "beats";
            Analyzer analyzer;
            string? plotPath = parse.GetValue(plot);
            // The plot draws the waveform, so with --plot the file is held whole.
            try { analyzer = new Analyzer(new AnalysisOptions { Load = MaxDurationOption.Apply(parse), Key = false, BeatTracker = parse.GetValue(model) ?? BeatTrackers.DefaultName, BlocksAbove = plotPath is null ? AnalysisOptions.DefaultBlocksAbove : null }); }
            catch (GrooveException e) { Reporter.Error(e.Message); return Reporter.InputError; }
            var tracker = analyzer.BeatTracker!;
            if (plotPath is not null && OutputPaths.CheckFile(plotPath, overwrite: true, "--plot") is { } problem)
            {
                Reporter.Error(problem);
                return Reporter.UsageError;
            }
            string ext = fmt switch { "json" => ".json", "csv" => ".csv", _ => ".beats" };
            var options = io.Batch(parse, ext, "Tracking beats");
            return BatchRunner.Run(inputs, options, item =>
            {
                var analysis = analyzer.Analyze(item.InputPath, onWarning: item.Warn);
                var (audio, result) = (analysis.Audio, analysis.Beats!);
                var text = fmt switch
                {
                    "json" => ResultWriter.BeatsJson(item.InputPath, tracker.Name, result),
                    "csv" => ResultWriter.BeatsCsv(result),
                    _ => ResultWriter.BeatsText(result),
                };
                if (plotPath != null && audio is not null)
                {
                    var svgPath = inputs.Length == 1 ? plotPath
                        : Path.Combine(Path.GetDirectoryName(plotPath) ?? "", Path.GetFileNameWithoutExtension(plotPath) + "-" + Path.GetFileNameWithoutExtension(item.InputPath) + ".svg");
                    AtomicFile.WriteAllText(svgPath, BeatPlot.Svg(audio.Mono(), audio.SampleRate, result, Path.GetFileName(item.InputPath)));
                }
                if (item.OutputPath is { } path) { AtomicFile.WriteAllText(path, text); return null; }
                return inputs.Length > 1 && fmt != "json" ? $"# {item.InputPath}\n{text}" : text;
            });
        });
        return cmd;
    }
}
