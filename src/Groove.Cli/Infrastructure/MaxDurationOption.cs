using System.CommandLine;
using System.Globalization;
using Groove.Audio;

namespace Groove.Cli.Infrastructure;

/// <summary>
/// <c>--max-duration</c>, on every command that loads audio: the longest input accepted (default 30 min). Longer
/// files are refused with one line before their samples are held. "90s", "45m", "2h", "1:30:00"; a bare number is
/// minutes.
/// </summary>
internal static class MaxDurationOption
{
    public const string Name = "--max-duration";

    /// <summary>A new instance of the option, for the root command (recursive: every subcommand accepts it).</summary>
    public static Option<TimeSpan?> Create()
    {
        var option = new Option<TimeSpan?>(Name)
        {
            Description = $"Longest input accepted: 90s, 45m, 2h or 1:30:00; a bare number is minutes (default {AudioLoadOptions.DefaultMaxDuration.TotalMinutes:0}m)",
            Recursive = true,
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (TryParse(text, out var value)) return value;
                result.AddError($"{Name} {text}: not a duration (examples: 90s, 45m, 2h, 1:30:00; at most 24h)");
                return null;
            },
        };
        return option;
    }

    /// <summary>The limit given on the command line, or the default. Read it once, before a batch's parallel jobs
    /// (System.CommandLine's lookups are not thread-safe).</summary>
    public static TimeSpan From(ParseResult parse)
    {
        var option = parse.RootCommandResult.Command.Options.OfType<Option<TimeSpan?>>().FirstOrDefault(o => o.Name == Name);
        return option is null ? AudioLoadOptions.DefaultMaxDuration : parse.GetValue(option) ?? AudioLoadOptions.DefaultMaxDuration;
    }

    /// <summary><paramref name="options"/> (or the defaults) with the command line's limit.</summary>
    public static AudioLoadOptions Apply(ParseResult parse, AudioLoadOptions? options = null) =>
        (options ?? new AudioLoadOptions()) with { MaxDuration = From(parse) };

    /// <summary>Parses "90s", "45m", "2h", "1:30:00" or a bare number of minutes; positive and at most a day.</summary>
    internal static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        text = text.Trim().ToLowerInvariant();
        if (text.Length == 0) return false;
        double scale = 60;
        if (text.Contains(':'))
        {
            var parts = text.Split(':');
            if (parts.Length is < 2 or > 3) return false;
            double total = 0;
            foreach (var p in parts)
            {
                if (!double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v < 0) return false;
                total = total * 60 + v;
            }
            value = TimeSpan.FromSeconds(total);
        }
        else
        {
            if (text.EndsWith("min", StringComparison.Ordinal)) { text = text[..^3]; scale = 60; }
            else if (text.EndsWith('s')) { text = text[..^1]; scale = 1; }
            else if (text.EndsWith('m')) { text = text[..^1]; scale = 60; }
            else if (text.EndsWith('h')) { text = text[..^1]; scale = 3600; }
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v)) return false;
            value = TimeSpan.FromSeconds(v * scale);
        }
        return value > TimeSpan.Zero && value <= TimeSpan.FromDays(1);
    }
}
