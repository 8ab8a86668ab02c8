using System.CommandLine;
using System.Globalization;
using System.Text;
using Groove.Audio;
using Groove.Cli.Infrastructure;
using Groove.IO.Annotations;
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
        var files = new Argument<string[]>("files") { Description = "Audio files", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string?>("--out", "-o") { Description = "Write one file per input into this folder (default: print)" };
        var model = new Option<string>("--model", "-m")
        {
            Description = $"Beat tracker: {string.Join(", ", BeatTrackers.Names)}",
            DefaultValueFactory = _ => BeatTrackers.DefaultName,
        };
        var format = new Option<string>("--format") { Description = "beats (time TAB beat-in-bar), json or csv", DefaultValueFactory = _ => "beats" };
        format.AcceptOnlyFromAmong("beats", "json", "csv");
        var force = new Option<bool>("--force", "-f") { Description = "Redo inputs whose output exists" };
        var plot = new Option<string?>("--plot") { Description = "Also draw waveform, activation, beats and downbeats into this SVG (several inputs: OUT-<name>.svg)" };
        var cmd = new Command("beats", "Find beats and downbeats") { files, outDir, model, format, force, plot };
        cmd.SetAction(parse =>
        {
            var inputs = parse.GetValue(files) ?? [];
            string fmt = parse.GetValue(format) ?? "beats";
            IBeatTracker tracker;
            try { tracker = BeatTrackers.Create(parse.GetValue(model)); }
            catch (GrooveException e) { Reporter.Error(e.Message); return Reporter.InputError; }
            string? plotPath = parse.GetValue(plot);
            string ext = fmt switch { "json" => ".json", "csv" => ".csv", _ => ".beats" };
            var options = new BatchOptions(parse.GetValue(outDir), ext, parse.GetValue(force), Description: "Tracking beats");
            return BatchRunner.Run(inputs, options, item =>
            {
                var audio = AudioFile.Load(item.InputPath, new AudioLoadOptions { Mono = true, SampleRate = 22050 }, item.Warn);
                var result = tracker.Track(audio, onWarning: item.Warn);
                var text = fmt switch
                {
                    "json" => Json(item.InputPath, tracker.Name, result),
                    "csv" => Csv(result),
                    _ => BeatsText(result),
                };
                if (plotPath != null)
                {
                    var svgPath = inputs.Length == 1 ? plotPath
                        : Path.Combine(Path.GetDirectoryName(plotPath) ?? "", Path.GetFileNameWithoutExtension(plotPath) + "-" + Path.GetFileNameWithoutExtension(item.InputPath) + ".svg");
                    AtomicFile.WriteAllText(svgPath, BeatPlot.Svg(audio.Channels[0], audio.SampleRate, result, Path.GetFileName(item.InputPath)));
                }
                if (item.OutputPath is { } path) { AtomicFile.WriteAllText(path, text); return null; }
                return inputs.Length > 1 && fmt != "json" ? $"# {item.InputPath}\n{text}" : text;
            });
        });
        return cmd;
    }

    /// <summary>"time TAB beat-in-bar" lines; the position column is always written (0 = unknown).</summary>
    internal static string BeatsText(BeatTrackingResult r) =>
        Groove.IO.Annotations.BeatAnnotations.Format(r.Beats, decimals: 3, alwaysWritePositions: true);

    private static string Csv(BeatTrackingResult r)
    {
        var sb = new StringBuilder("time,beat_in_bar\n");
        foreach (var b in r.Beats)
            sb.Append(b.Time.ToString("F3", CultureInfo.InvariantCulture)).Append(',').Append(b.BeatInBar.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }

    private static string Json(string file, string model, BeatTrackingResult r)
    {
        var ic = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("{\"file\": ").Append(System.Text.Json.JsonSerializer.Serialize(file))
          .Append(", \"model\": ").Append(System.Text.Json.JsonSerializer.Serialize(model))
          .Append(ic, $", \"tempo\": {r.Tempo:F2}, \"beats\": [");
        for (int i = 0; i < r.Beats.Count; i++)
            sb.Append(i > 0 ? ", " : "").Append(ic, $"{{\"time\": {r.Beats[i].Time:F3}, \"beat\": {r.Beats[i].BeatInBar}}}");
        sb.Append("]}\n");
        return sb.ToString();
    }
}
