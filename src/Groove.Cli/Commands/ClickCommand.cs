using System.CommandLine;
using Groove.Analysis;
using Groove.Audio;
using Groove.Cli.Infrastructure;
using Groove.Rhythm;

namespace Groove.Cli.Commands;

/// <summary><c>groove click FILE -o OUT.wav</c>: the song with a click on every beat, to hear whether the beats are right.</summary>
internal static class ClickCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Audio file" };
        var output = new Option<string>("--output", "-o") { Description = "WAV file to write", Required = true };
        var beatsFile = new Option<string?>("--beats") { Description = "Beats to click (a .beats file: time [TAB beat-in-bar] per line); default: track them" };
        var model = new Option<string>("--model", "-m")
        {
            Description = $"Beat tracker when no --beats file is given: {string.Join(", ", BeatTrackers.Names)}",
            DefaultValueFactory = _ => new AnalysisOptions().BeatTracker,
        };
        var accent = new Option<bool>("--downbeat-accent") { Description = "Sound downbeats with a higher, louder click" };
        var gain = new Option<double>("--gain") { Description = "Click peak level in dB relative to full scale", DefaultValueFactory = _ => new ClickTrackOptions().GainDb };
        var float32 = new Option<bool>("--float") { Description = "Write 32-bit float samples (default: 16-bit PCM)" };
        var force = new Option<bool>("--force", "-f") { Description = "Overwrite the output file if it exists" };
        var cmd = new Command("click", "Mix a click into a song at its beats and write a WAV file")
        {
            file, output, beatsFile, model, accent, gain, float32, force,
        };
        cmd.SetAction(parse =>
        {
            try
            {
                return Run(parse);
            }
            catch (Exception e)
            {
                return Reporter.Fatal(e);
            }
        });
        return cmd;

        int Run(ParseResult parse)
        {
            string input = parse.GetValue(file)!, outPath = parse.GetValue(output)!;
            if (Path.GetFullPath(input) == Path.GetFullPath(outPath))
                throw new GrooveException($"{outPath}: the output would overwrite the input");
            if (OutputPaths.CheckFile(outPath, parse.GetValue(force), "--output") is { } problem)
            {
                Reporter.Error(problem);
                return Reporter.UsageError;
            }
            var options = new ClickTrackOptions { GainDb = parse.GetValue(gain), AccentDownbeats = parse.GetValue(accent) };
            options.Validate();
            string? beatsPath = parse.GetValue(beatsFile);
            var analyzer = new Analyzer(new AnalysisOptions { Load = MaxDurationOption.Apply(parse), Beats = beatsPath is null, Key = false, BeatTracker = parse.GetValue(model) ?? BeatTrackers.DefaultName });
            var audio = analyzer.Load(input, Reporter.Warning);
            IReadOnlyList<Beat> beats = beatsPath is not null
                ? ReadBeats(beatsPath)
                : analyzer.Analyze(audio, onWarning: m => Reporter.Warning($"{input}: {m}")).Beats!.Beats;
            var clicked = ClickTrackRenderer.Render(audio, beats, options);
            bool asFloat = parse.GetValue(float32);
            WavWriter.Write(outPath, clicked, asFloat ? WavSampleFormat.Float32 : WavSampleFormat.Pcm16, Reporter.Warning);
            return 0;
        }
    }

    private static IReadOnlyList<Beat> ReadBeats(string path)
    {
        if (Directory.Exists(path)) throw new GrooveException($"{path}: is a directory, not a .beats file");
        if (!File.Exists(path)) throw new GrooveException($"{path}: no such file");
        return Groove.IO.Annotations.BeatAnnotations.Read(path);
    }
}
