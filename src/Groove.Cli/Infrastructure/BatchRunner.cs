using System.Collections.Concurrent;
using Spectre.Console;

namespace Groove.Cli.Infrastructure;

/// <summary>How a batch command treats its inputs and outputs.</summary>
/// <param name="OutDir">With a folder, each input writes <c>OutDir/&lt;input name without extension&gt;&lt;OutputExtension&gt;</c>.</param>
/// <param name="OutputExtension">Extension of the per-input output file, with its dot (".beats").</param>
/// <param name="Force">Redo inputs whose output already exists.</param>
/// <param name="MaxParallelism">How many inputs run at once.</param>
/// <param name="Description">Shown beside the progress bar.</param>
/// <param name="StripLastExtensionOnly">Name outputs after the input without its last extension only (default: same).</param>
internal sealed record BatchOptions(
    string? OutDir = null,
    string? OutputExtension = null,
    bool Force = false,
    int MaxParallelism = 0,
    string Description = "Processing",
    bool StripLastExtensionOnly = true);

/// <summary>One input of a batch, with where its output goes (null: print to stdout).</summary>
internal sealed record BatchItem(string InputPath, string? OutputPath, Action<string> Warn);

/// <summary>
/// Runs a command over many inputs: in parallel on all cores, with a progress bar on a terminal, skipping inputs
/// whose output exists (unless forced), and reporting each failure as one line while the other inputs go on.
/// Text a job returns is printed to stdout in input order.
/// </summary>
internal static class BatchRunner
{
    /// <summary>Returns 0 when every input succeeded, otherwise <see cref="Reporter.InputError"/>.</summary>
    public static int Run(IReadOnlyList<string> inputs, BatchOptions options, Func<BatchItem, string?> job)
    {
        if (inputs.Count == 0)
        {
            Reporter.Error("no input files given");
            return Reporter.InputError;
        }
        // Everything about the outputs is checked before any input is touched.
        if (options.OutDir is { } dir && OutputPaths.CheckFolder(dir) is { } problem)
        {
            Reporter.Error(problem);
            return Reporter.UsageError;
        }
        // A run killed mid-write leaves only temporary files (outputs are renamed into place whole): tidy them.
        if (options.OutDir is { } outDir) Groove.IO.AtomicFile.RemoveAbandoned(outDir);

        var items = new List<BatchItem>(inputs.Count);
        var writers = new Dictionary<string, string>(StringComparer.Ordinal);
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (!listed.Add(input == Groove.Audio.AudioFile.StandardInputName ? input : SafeFullPath(input)))
            {
                Reporter.Warning($"{input}: listed more than once; analysed once");
                continue;
            }
            string? output = null;
            if (options.OutDir is { } d && options.OutputExtension is { } ext)
            {
                output = Path.Combine(d, OutputName(input, ext));
                // Two inputs with one output name (rock.mp3, rock.ogg): refuse the batch rather than let one
                // result silently replace the other.
                if (writers.TryGetValue(output, out var earlier))
                {
                    Reporter.Error($"{earlier} and {input} would both write {output}; rename one, or give them separate --out folders");
                    return Reporter.UsageError;
                }
                writers[output] = input;
            }
            items.Add(new BatchItem(input, output, msg => Reporter.Warning(PrefixWithInput(input, msg))));
        }

        var results = new string?[items.Count];
        int failures = 0, skipped = 0;
        int parallelism = options.MaxParallelism > 0 ? options.MaxParallelism : Environment.ProcessorCount;

        void RunOne(int i)
        {
            var item = items[i];
            if (item.OutputPath is { } o && !options.Force && File.Exists(o))
            {
                Interlocked.Increment(ref skipped);
                return;
            }
            try
            {
                results[i] = job(item);
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref failures);
                Reporter.Error(PrefixWithInput(item.InputPath, Reporter.Describe(e)));
                if (Environment.GetEnvironmentVariable("GROOVE_DEBUG") == "1") Console.Error.WriteLine(e);
            }
        }

        bool showProgress = items.Count > 1 && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        var po = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) };
        if (showProgress)
        {
            Reporter.ErrorConsole.Progress().AutoClear(true).Start(ctx =>
            {
                var task = ctx.AddTask(options.Description, maxValue: items.Count);
                Parallel.For(0, items.Count, po, i => { RunOne(i); task.Increment(1); });
            });
        }
        else
        {
            Parallel.For(0, items.Count, po, RunOne);
        }

        foreach (var r in results)
            if (!string.IsNullOrEmpty(r)) Console.Out.Write(r.EndsWith('\n') ? r : r + "\n");
        if (skipped > 0)
            Reporter.Warning($"skipped {skipped} input(s) whose output exists (use --force to redo)");
        return failures == 0 ? 0 : Reporter.InputError;
    }

    /// <summary>"input: message", unless the message already names the input first (GrooveExceptions do).</summary>
    private static string PrefixWithInput(string input, string message) =>
        message.StartsWith(input + ":", StringComparison.Ordinal) ? message : $"{input}: {message}";

    private static string SafeFullPath(string path)
    {
        try { return Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or IOException) { return path; }
    }

    /// <summary>The output file name for an input: its name without its last extension, plus <paramref name="ext"/>.</summary>
    public static string OutputName(string input, string ext) =>
        (input == Groove.Audio.AudioFile.StandardInputName ? "stdin" : Path.GetFileNameWithoutExtension(input)) + ext;
}
