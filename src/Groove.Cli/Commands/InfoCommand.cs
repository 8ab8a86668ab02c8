using System.CommandLine;
using System.Globalization;
using Groove.Audio;
using Groove.Cli.Infrastructure;

namespace Groove.Cli.Commands;

/// <summary><c>groove info FILE...</c>: duration, sample rate and channels of each file.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Audio files", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("info", "Show duration, sample rate and channels of audio files") { files };
        cmd.SetAction(parse =>
        {
            var inputs = parse.GetValue(files) ?? [];
            return BatchRunner.Run(inputs, new BatchOptions(Description: "Reading"), item =>
            {
                var audio = AudioFile.Load(item.InputPath);
                return string.Create(CultureInfo.InvariantCulture,
                    $"{item.InputPath}\t{audio.Duration:F3} s\t{audio.SampleRate} Hz\t{audio.ChannelCount} ch");
            });
        });
        return cmd;
    }
}
