using System.CommandLine;
using System.Globalization;
using System.Text;
using Groove.Audio;
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
            return BatchRunner.Run(inputs, new BatchOptions(Description: "Analysing"), item =>
            {
                var audio = AudioFile.Load(item.InputPath);
                var sb = new StringBuilder();
                var ic = CultureInfo.InvariantCulture;
                sb.AppendLine(item.InputPath);
                sb.AppendLine(string.Create(ic, $"  duration     {audio.Duration:F2} s"));
                sb.AppendLine(string.Create(ic, $"  sample rate  {audio.SampleRate} Hz, {audio.ChannelCount} channel(s)"));
                var beats = new Groove.Rhythm.ClassicalBeatTracker().Track(audio, onWarning: item.Warn);
                sb.AppendLine(string.Create(ic, $"  tempo        {beats.Tempo:F1} BPM"));
                sb.AppendLine(string.Create(ic, $"  beats        {beats.Beats.Count} ({beats.Beats.Count(b => b.IsDownbeat)} downbeats)"));
                return sb.ToString();
            });
        });
        return cmd;
    }
}
