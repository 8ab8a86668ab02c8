using Spectre.Console;

namespace Groove.Cli.Infrastructure;

/// <summary>
/// The CLI's one place for user-facing diagnostics: one line per error or warning on stderr, never a stack trace
/// (set GROOVE_DEBUG=1 to see one).
/// </summary>
internal static class Reporter
{
    private static readonly object Gate = new();

    /// <summary>Exit code for bad input (a file we cannot use).</summary>
    public const int InputError = 1;
    /// <summary>Exit code for a command line that cannot run (an unknown option, a bad value, an unusable output path).</summary>
    public const int UsageError = 2;
    /// <summary>Exit code for a bug in Groove.</summary>
    public const int InternalError = 70;

    public static void Error(string message) => Write("error", "red", message);
    public static void Warning(string message) => Write("warning", "yellow", message);
    /// <summary>A line of progress or information on stderr ("groove: message"), for logs without a terminal.</summary>
    public static void Note(string message)
    {
        lock (Gate) Console.Error.WriteLine($"groove: {OneLine(message)}");
    }

    /// <summary>A Spectre console on stderr (colours and the progress bar go there, never into piped stdout).</summary>
    internal static IAnsiConsole ErrorConsole => StderrConsole.Value;

    private static readonly Lazy<IAnsiConsole> StderrConsole =
        new(() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }));

    private static void Write(string label, string colour, string message)
    {
        var line = OneLine(message);
        lock (Gate)
        {
            if (Console.IsErrorRedirected)
                Console.Error.WriteLine($"groove: {label}: {line}");
            else
                ErrorConsole.MarkupLine($"[{colour}]groove: {label}:[/] {Markup.Escape(line)}");
        }
    }

    /// <summary>Reports an exception that escaped a command and returns the exit code for it.</summary>
    public static int Fatal(Exception e)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } agg) e = agg.InnerExceptions[0];
        if (e is Groove.GrooveException)
        {
            Error(Describe(e));
            return InputError;
        }
        Error($"internal error: {e.GetType().Name}: {e.Message}");
        if (Environment.GetEnvironmentVariable("GROOVE_DEBUG") == "1") Console.Error.WriteLine(e);
        return InternalError;
    }

    /// <summary>Describes a per-file failure in one line: user errors as they are, I/O errors plainly, bugs marked.</summary>
    public static string Describe(Exception e) => e switch
    {
        Groove.Audio.AudioTooLongException t => $"{t.Message} (raise it with {MaxDurationOption.Name})",
        Groove.GrooveException g => g.Message,
        FileNotFoundException f => $"no such file: {f.FileName}",
        DirectoryNotFoundException d => d.Message,
        UnauthorizedAccessException u => $"permission denied ({u.Message})",
        IOException io => $"I/O error ({io.Message})",
        OutOfMemoryException => "out of memory (the input is too large)",
        _ => $"internal error: {e.GetType().Name}: {e.Message}",
    };

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}
