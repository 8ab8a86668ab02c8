using System.CommandLine;
using System.Globalization;
using System.Text;
using Groove.Audio;
using Groove.Cli.Infrastructure;
using Groove.Tonality;

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
            var tracker = Groove.Rhythm.BeatTrackers.Create();
            var keyEstimator = new Groove.Tonality.ProfileKeyEstimator();
            return BatchRunner.Run(inputs, new BatchOptions(Description: "Analysing"), item =>
            {
                var audio = AudioFile.Load(item.InputPath, MaxDurationOption.Apply(parse), item.Warn);
                var sb = new StringBuilder();
                var ic = CultureInfo.InvariantCulture;
                sb.AppendLine(item.InputPath);
                sb.AppendLine(string.Create(ic, $"  duration     {audio.Duration:F2} s"));
                sb.AppendLine(string.Create(ic, $"  sample rate  {audio.SampleRate} Hz, {audio.ChannelCount} channel(s)"));
                // Key and beats are independent: run the key on the other core meanwhile.
                var keyTask = Task.Run(() => keyEstimator.Estimate(audio, item.Warn));
                var beats = tracker.Track(audio, onWarning: item.Warn);
                sb.AppendLine(string.Create(ic, $"  tempo        {beats.Tempo:F1} BPM"));
                sb.AppendLine(string.Create(ic, $"  beats        {beats.Beats.Count} ({beats.Beats.Count(b => b.IsDownbeat)} downbeats)"));
                if (beats.Beats.Count > 0)
                    sb.AppendLine("  first beats  " + string.Join(" ", beats.Beats.Take(8).Select(b => b.Time.ToString("F2", ic))) + (beats.Beats.Count > 8 ? " ..." : ""));
                var key = keyTask.GetAwaiter().GetResult();
                sb.AppendLine(key.HasKey
                    ? string.Create(ic, $"  key          {key.Key} (confidence {key.Confidence:F2})")
                    : $"  key          {KeyEstimate.NoKeyLabel} ({key.NoKeyReason})");
                return sb.ToString();
            });
        });
        return cmd;
    }
}
