using System.CommandLine;
using System.Runtime.InteropServices;
using Groove.Analysis;
using Groove.Cli.Infrastructure;
using Groove.Cli.Infrastructure.Batch;
using Groove.IO;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove batch MANIFEST --tasks beats,tempo,key --out DIR [--shard i/n]</c>: a catalogue run, one shard of a
/// manifest into a result folder, resumable (<see cref="CatalogueRunner"/>, <see cref="ResultFolder"/>); and
/// <c>groove batch manifest FOLDER -o LIST</c>, which writes a manifest from a folder walk.
/// </summary>
internal static class BatchCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("manifest") { Description = "Track list: one path a line (# comments), or a .csv with a 'path' column; relative paths are relative to it" };
        var tasks = new Option<string>("--tasks", "-t") { Description = "What to compute per track: beats, tempo, key (comma-separated)", DefaultValueFactory = _ => "beats,tempo,key" };
        var outDir = new Option<string>("--out", "-o") { Description = "Result folder: one JSON file per track (DIR/ab/<id>.json), failures as <id>.failed.json", Required = true };
        var shard = new Option<string>("--shard") { Description = "Run shard i of n (every n-th track from the i-th; i counts from 0), e.g. $SLURM_ARRAY_TASK_ID/4", DefaultValueFactory = _ => "0/1" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Tracks analysed at once (default: the cores this process may use)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var force = new Option<bool>("--force", "-f") { Description = "Redo tracks already done" };
        var retryFailed = new Option<bool>("--retry-failed") { Description = "Redo tracks that failed in an earlier run" };
        var progressEvery = new Option<double>("--progress-every") { Description = "Seconds between progress lines when stderr is not a terminal (cluster logs)", DefaultValueFactory = _ => 30 };

        var cmd = new Command("batch", "Analyse a catalogue (or one shard of it) into a result folder; re-runs skip finished tracks")
        {
            manifest, tasks, outDir, shard, jobs, force, retryFailed, progressEvery,
        };
        cmd.Subcommands.Add(CreateManifest());
        cmd.SetAction(parse =>
        {
            BatchTasks wanted;
            Shard part;
            try
            {
                wanted = BatchTaskNames.Parse(parse.GetValue(tasks)!);
                part = Shard.Parse(parse.GetValue(shard)!);
            }
            catch (GrooveException e)
            {
                Reporter.Error(e.Message);
                return Reporter.UsageError;
            }
            int jobCount = parse.GetValue(jobs);
            double every = parse.GetValue(progressEvery);
            if (jobCount < 1) { Reporter.Error($"--jobs {jobCount}: must be at least 1"); return Reporter.UsageError; }
            if (!(every > 0)) { Reporter.Error($"--progress-every {every}: must be above 0 seconds"); return Reporter.UsageError; }
            var dir = parse.GetValue(outDir)!;
            if (OutputPaths.CheckFolder(dir) is { } problem) { Reporter.Error(problem); return Reporter.UsageError; }

            var list = TrackManifest.Load(parse.GetValue(manifest)!);
            if (list.DuplicatesDropped > 0) Reporter.Warning($"{list.Source}: {list.DuplicatesDropped} path(s) listed more than once; each is analysed once");
            var analyzer = new Analyzer(new AnalysisOptions
            {
                Load = MaxDurationOption.Apply(parse),
                Beats = (wanted & (BatchTasks.Beats | BatchTasks.Tempo)) != 0,
                Key = wanted.HasFlag(BatchTasks.Key),
            });
            var store = new ResultFolder(dir);
            using var shardLock = store.LockShard(part);
            store.CheckSettings(ResultWriter.Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("tasks", BatchTaskNames.Format(wanted));
                if (analyzer.BeatTracker is { } tracker) w.WriteString("beat_tracker", tracker.Name);
                if (analyzer.KeyMethodName is { } key) w.WriteString("key_method", key);
                w.WriteEndObject();
            }, indented: false) + "\n");

            using var stop = new CancellationTokenSource();
            void Stop(PosixSignalContext c) { c.Cancel = true; stop.Cancel(); }
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

            var summary = CatalogueRunner.Run(list, store, new CatalogueRunOptions(part, jobCount, parse.GetValue(force), parse.GetValue(retryFailed), TimeSpan.FromSeconds(every)),
                (file, listed, warn, ct) => ResultWriter.BatchTrackJson(listed, wanted, analyzer.Analyze(file, onWarning: warn, cancellationToken: ct)),
                stop.Token);
            Console.Out.WriteLine(summary.Line(part));
            return summary.ExitCode;
        });
        return cmd;
    }

    /// <summary><c>groove batch manifest FOLDER -o LIST</c>.</summary>
    private static Command CreateManifest()
    {
        var folder = new Argument<string>("folder") { Description = "Folder to walk (recursively) for audio files" };
        var output = new Option<string>("--output", "-o") { Description = "Manifest to write (paths relative to its folder)", Required = true };
        var force = new Option<bool>("--force", "-f") { Description = "Overwrite an existing manifest" };
        var cmd = new Command("manifest", "Write a manifest of the audio files under a folder, in a fixed (ordinal) order") { folder, output, force };
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(output)!;
            if (OutputPaths.CheckFile(path, parse.GetValue(force), "--output") is { } problem) { Reporter.Error(problem); return Reporter.UsageError; }
            var text = TrackManifest.FromFolder(parse.GetValue(folder)!, path, out int count);
            AtomicFile.WriteAllText(path, text);
            Console.Out.WriteLine($"{path}: {count} tracks");
            return 0;
        });
        return cmd;
    }
}
