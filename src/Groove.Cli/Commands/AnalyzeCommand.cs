using System.CommandLine;
using System.Globalization;
using System.Text;
using Groove.Audio;
using Groove.Cli.Infrastructure;

namespace Groove.Cli.Commands;

/// <summary><c>groove analyze FILE... [--json]</c>: the one-stop summary (duration, sample rate; tempo, beats and key
/// as they land). With <c>--json</c>, one JSON object per file and line with every beat time to 0.1 ms (tests compare
/// runs with it).</summary>
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
            var tracker = Groove.Rhythm.BeatTrackers.Create();
            var keyEstimator = new Groove.Tonality.ProfileKeyEstimator();
            return BatchRunner.Run(inputs, new BatchOptions(Description: "Analysing"), item =>
            {
                var audio = AudioFile.Load(item.InputPath, onWarning: item.Warn);
                var ic = CultureInfo.InvariantCulture;
                if (asJson)
                {
                    var keyJob = Task.Run(() => keyEstimator.Estimate(audio, item.Warn));
                    var tracked = tracker.Track(audio, onWarning: item.Warn);
                    return Json(item.InputPath, audio, tracked, keyJob.GetAwaiter().GetResult());
                }
                var sb = new StringBuilder();
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
                sb.AppendLine(string.Create(ic, $"  key          {key.Key} (confidence {key.Confidence:F2})"));
                return sb.ToString();
            });
        });
        return cmd;
    }

    private static string Json(string file, AudioBuffer audio, Groove.Rhythm.BeatTrackingResult beats, Groove.Tonality.KeyEstimate key)
    {
        var ic = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("{\"file\": ").Append(System.Text.Json.JsonSerializer.Serialize(file))
          .Append(ic, $", \"duration\": {audio.Duration:F4}, \"sample_rate\": {audio.SampleRate}, \"channels\": {audio.ChannelCount}")
          .Append(ic, $", \"tempo\": {beats.Tempo:F3}, \"key\": ").Append(System.Text.Json.JsonSerializer.Serialize(key.Key.ToString()))
          .Append(ic, $", \"confidence\": {key.Confidence:F4}, \"beats\": [");
        for (int i = 0; i < beats.Beats.Count; i++)
            sb.Append(i > 0 ? ", " : "").Append(ic, $"{{\"time\": {beats.Beats[i].Time:F4}, \"beat\": {beats.Beats[i].BeatInBar}}}");
        sb.Append("]}\n");
        return sb.ToString();
    }
}
