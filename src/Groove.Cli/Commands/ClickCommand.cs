using System.CommandLine;
using System.Globalization;
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
        var accent = new Option<bool>("--downbeat-accent") { Description = "Sound downbeats with a higher, louder click" };
        var gain = new Option<double>("--gain") { Description = "Click peak level in dB relative to full scale", DefaultValueFactory = _ => -6 };
        var float32 = new Option<bool>("--float") { Description = "Write 32-bit float samples (default: 16-bit PCM)" };
        var cmd = new Command("click", "Mix a click into a song at its beats and write a WAV file")
        {
            file, output, beatsFile, accent, gain, float32,
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
            var options = new ClickTrackOptions { GainDb = parse.GetValue(gain), AccentDownbeats = parse.GetValue(accent) };
            options.Validate();
            var audio = AudioFile.Load(input, onWarning: Reporter.Warning);
            IReadOnlyList<Beat> beats = parse.GetValue(beatsFile) is { } bf
                ? ReadBeats(bf)
                : throw new GrooveException("no built-in beat tracker yet: give the beats with --beats FILE.beats");
            var clicked = ClickTrackRenderer.Render(audio, beats, options);
            bool asFloat = parse.GetValue(float32);
            WavWriter.Write(outPath, clicked, asFloat ? WavSampleFormat.Float32 : WavSampleFormat.Pcm16, Reporter.Warning);
            return 0;
        }
    }

    /// <summary>Reads a .beats file: one beat per line, its time in seconds, optionally a tab or space and its beat in bar.</summary>
    internal static List<Beat> ReadBeats(string path)
    {
        if (!File.Exists(path)) throw new GrooveException($"{path}: no such file");
        var beats = new List<Beat>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var parts = line.Split((char[])['\t', ' ', ','], StringSplitOptions.RemoveEmptyEntries);
            if (!double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var time) || !double.IsFinite(time) || time < 0)
                throw new GrooveException($"{path}:{lineNo}: not a beat time: \"{Shorten(parts[0])}\"");
            int inBar = 0;
            if (parts.Length > 1 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
                && b >= 0 && b < 100 && b == Math.Floor(b))
                inBar = (int)b;
            beats.Add(new Beat(time, inBar));
        }
        return beats;
    }

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
