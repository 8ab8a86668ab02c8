using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Groove.Cli.Infrastructure;
using Groove.Corpus;
using Spectre.Console;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove corpus debian --out DIR [--list TSV] [--packages P1,P2] [--rate 16000] [--debs DIR]</c>: builds an
/// unlabelled training corpus (<c>DIR/audio/PACKAGE/NAME.wav</c>, mono, and <c>DIR/corpus.tsv</c>) from the freely
/// licensed music in Debian packages (<see cref="CorpusBuilder"/>). Resumable; a second run does nothing.
/// </summary>
internal static class CorpusCommand
{
    private const string ListFile = "debian_music.tsv";

    public static Command Create()
    {
        var cmd = new Command("corpus", "Build unlabelled training corpora");
        cmd.Subcommands.Add(Debian());
        cmd.Subcommands.Add(CorpusRenderCommand.Create());
        return cmd;
    }

    private static Command Debian()
    {
        var outDir = new Option<string>("--out", "-o") { Description = "Corpus folder: audio/PACKAGE/NAME.wav and corpus.tsv", Required = true };
        var list = new Option<string?>("--list") { Description = $"The music list (default: ../shared/data/{ListFile}, found from the current folder upwards)" };
        var packages = new Option<string?>("--packages") { Description = "Only these packages, comma-separated" };
        var rate = new Option<int>("--rate") { Description = "Sample rate of the cached mono audio", DefaultValueFactory = _ => 16000 };
        var debs = new Option<string?>("--debs") { Description = "Folder of .deb files: used when present, downloads kept there (default: DIR/.debs, each deleted once its package is cached)" };
        var silence = new Option<double>("--silence-db") { Description = "Drop recordings quieter than this (RMS, dBFS)", DefaultValueFactory = _ => -60 };
        var offline = new Option<bool>("--no-download") { Description = "Use only .debs already in the --debs folder" };
        var cmd = new Command("debian", "Download the music listed in debian_music.tsv (apt-get download), decode it to mono and cache it, dropping duplicates and silence")
        {
            outDir, list, packages, rate, debs, silence, offline,
        };
        cmd.SetAction(parse =>
        {
            try
            {
                var dir = parse.GetValue(outDir)!;
                if (File.Exists(dir)) throw new GrooveException($"{dir}: --out must be a folder, and this is a file");
                var listPath = parse.GetValue(list) ?? FindList()
                    ?? throw new GrooveException($"no music list given and ../shared/data/{ListFile} was not found from {Environment.CurrentDirectory}: pass --list");
                var entries = MusicList.Read(listPath);
                var only = parse.GetValue(packages)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (only is { Length: 0 }) throw new GrooveException("--packages names no package");
                var debDir = parse.GetValue(debs);
                var source = new AptDebSource(debDir ?? Path.Combine(dir, ".debs"), keepDownloads: debDir is not null, download: !parse.GetValue(offline));
                var options = new CorpusOptions { SampleRate = parse.GetValue(rate), SilenceDb = parse.GetValue(silence), Packages = only };
                var builder = new CorpusBuilder(dir, source, options);

                using var signals = new StopSignals();
                var clock = Stopwatch.StartNew();
                try
                {
                    var failures = new List<string>();
                    var summary = Run(builder, entries, failures, signals.Token);
                    foreach (var f in failures) Reporter.Error(f);
                    string where = Path.Combine(dir, "audio");
                    if (summary.PackagesBuilt == 0 && summary.FailedPackages.Count == 0)
                        Console.Error.WriteLine($"nothing to do: all {summary.PackagesAlreadyDone} package(s) are cached in {where}: {summary.Describe()}");
                    else
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{summary.Describe()}; {summary.PackagesBuilt} package(s) built in {clock.Elapsed.TotalMinutes:F1} min, {summary.PackagesAlreadyDone} already cached; audio in {where}, manifest {builder.ManifestPath}"));
                    return summary.FailedPackages.Count == 0 ? 0 : Reporter.InputError;
                }
                catch (OperationCanceledException)
                {
                    Console.Error.WriteLine($"stopped; what is cached stays; run the same command again to resume");
                    return 130;
                }
            }
            catch (Exception e) { return Reporter.Fatal(e); }
        });
        return cmd;
    }

    private static CorpusSummary Run(CorpusBuilder builder, IReadOnlyList<MusicListEntry> entries, List<string> failures, CancellationToken ct)
    {
        bool interactive = !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive)
        {
            // Logs (a background run): one line per finished package.
            return builder.Build(entries, new LineProgress(), Reporter.Error, ct);
        }
        CorpusSummary? summary = null;
        Reporter.ErrorConsole.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("corpus", maxValue: 1);
                var bar = new BarProgress(task);
                summary = builder.Build(entries, bar, f => failures.Add(f), ct);
            });
        return summary!;
    }

    /// <summary>Moves a Spectre progress task (synchronously: the builder reports from its own thread).</summary>
    private sealed class BarProgress(ProgressTask task) : IProgress<CorpusProgress>
    {
        public void Report(CorpusProgress p)
        {
            task.MaxValue = Math.Max(1, p.Total);
            task.Value = p.Done;
            task.Description = Markup.Escape($"{p.Package}: {Shorten(p.Activity)}");
        }

        private static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";
    }

    /// <summary>Writes a line when a package is done.</summary>
    private sealed class LineProgress : IProgress<CorpusProgress>
    {
        public void Report(CorpusProgress p)
        {
            if (p.Activity.StartsWith("done", StringComparison.Ordinal) || p.Activity == "failed")
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss} [{p.Done}/{p.Total}] {p.Package} {p.Activity}"));
        }
    }

    /// <summary>../shared/data/debian_music.tsv from the current folder or one above it (or $GROOVE_SHARED/data/…).</summary>
    internal static string? FindList()
    {
        if (Environment.GetEnvironmentVariable("GROOVE_SHARED") is { Length: > 0 } shared
            && File.Exists(Path.Combine(shared, "data", ListFile)))
            return Path.Combine(shared, "data", ListFile);
        for (var d = new DirectoryInfo(Environment.CurrentDirectory); d != null; d = d.Parent)
            foreach (var candidate in new[] { Path.Combine(d.FullName, "..", "shared", "data", ListFile), Path.Combine(d.FullName, "shared", "data", ListFile) })
                if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        return null;
    }
}
