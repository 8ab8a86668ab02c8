using System.CommandLine;
using System.Globalization;
using System.Text;
using Groove.Audio;
using Groove.Cli.Infrastructure;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove info FILE...</c>: format and codec, exact duration, sample rate, channels and peak level of each file
/// (decoded in full, in constant memory, so it works on files of any length); warns about silent files.
/// With <c>--header</c> it reads only what the header says (fast, no peak).
/// </summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Audio files", Arity = ArgumentArity.OneOrMore };
        var headerOnly = new Option<bool>("--header") { Description = "Read only the header: no decoding, no peak level" };
        var cmd = new Command("info", "Show format, duration, sample rate, channels and peak level of audio files") { files, headerOnly };
        cmd.SetAction(parse =>
        {
            var inputs = parse.GetValue(files) ?? [];
            bool header = parse.GetValue(headerOnly);
            return BatchRunner.Run(inputs, new BatchOptions(Description: "Reading"), item =>
            {
                if (header)
                {
                    var info = AudioFile.Probe(item.InputPath);
                    return Describe(item.InputPath, info, info.Duration, null);
                }
                var scan = AudioFile.Scan(item.InputPath, item.Warn);
                return Describe(item.InputPath, scan.Info, scan.Duration, scan.PeakDbfs);
            });
        });
        return cmd;
    }

    private static string Describe(string path, AudioFileInfo info, double? duration, double? peakDbfs)
    {
        var ic = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(path);
        sb.AppendLine(string.Create(ic, $"  format       {info.Format}, {info.Codec} (decoded by {info.Decoder})"));
        sb.AppendLine(duration is { } d
            ? string.Create(ic, $"  duration     {d:F3} s ({Clock(d)})")
            : "  duration     unknown");
        sb.AppendLine(string.Create(ic, $"  sample rate  {info.SampleRate} Hz, {info.Channels} channel{(info.Channels == 1 ? "" : "s")}"));
        if (peakDbfs is { } p)
            sb.AppendLine(double.IsNegativeInfinity(p) ? "  peak         -inf dBFS (digital silence)" : string.Create(ic, $"  peak         {p:F1} dBFS"));
        return sb.ToString();
    }

    private static string Clock(double seconds)
    {
        var t = TimeSpan.FromSeconds(seconds);
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}.{t.Milliseconds / 10:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:D2}.{t.Milliseconds / 10:D2}");
    }
}
