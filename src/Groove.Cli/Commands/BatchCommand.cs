using System.CommandLine;
using Groove.Analysis;
using Groove.Cli.Infrastructure;
using Groove.Cli.Infrastructure.Batch;
using Groove.IO;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove batch MANIFEST --tasks beats,tempo,key[,embed] --out DIR|--db LIB [--shard i/n]</c>: a catalogue run, one
/// shard of a manifest into a result folder or the library index, resumable (<see cref="CatalogueRunner"/>,
/// <see cref="ResultFolder"/>, <see cref="IndexStore"/>); and
/// <c>groove batch manifest FOLDER -o LIST</c>, which writes a manifest from a folder walk.
/// </summary>
internal static class BatchCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("manifest") { Description = "Track list: one path a line (# comments), or a .csv with a 'path' column; relative paths are relative to it" };
        var tasks = new Option<string>("--tasks", "-t") { Description = "What to compute per track: beats, tempo, key, embed (comma-separated)", DefaultValueFactory = _ => "beats,tempo,key" };
        var outDir = new Option<string>("--out", "-o") { Description = "Result folder: one JSON file per track (DIR/ab/<id>.json), failures as <id>.failed.json" };
        var db = new Option<string>("--db") { Description = "Library index (the SQLite file or postgres://user@host/db of groove embed/similar; created when absent) instead of --out: one transaction per track" };
        var model = new Option<string>("--model") { Description = "Embedding model for the embed task: mfcc, random, tile2vec (the shipped model) or a Tile2Vec weights file", DefaultValueFactory = _ => "tile2vec" };
        var shard = new Option<string>("--shard") { Description = "Run shard i of n (every n-th track from the i-th; i counts from 0), e.g. $SLURM_ARRAY_TASK_ID/4", DefaultValueFactory = _ => "0/1" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Tracks analysed at once (default: the cores this process may use)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var force = new Option<bool>("--force", "-f") { Description = "Redo tracks already done" };
        var retryFailed = new Option<bool>("--retry-failed") { Description = "Redo tracks that failed in an earlier run" };
        var progressEvery = new Option<double>("--progress-every") { Description = "Seconds between progress lines when stderr is not a terminal (cluster logs)", DefaultValueFactory = _ => 30 };

        var cmd = new Command("batch", "Analyse a catalogue (or one shard of it) into a result folder; re-runs skip finished tracks")
        {
            manifest, tasks, outDir, db, model, shard, jobs, force, retryFailed, progressEvery,
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
            var dir = parse.GetValue(outDir);
            var dbPath = parse.GetValue(db);
            if ((dir is null) == (dbPath is null)) { Reporter.Error("give one place for the results: --out DIR (JSON files) or --db LIB (the library index)"); return Reporter.UsageError; }
            if (dir is not null && OutputPaths.CheckFolder(dir) is { } problem) { Reporter.Error(problem); return Reporter.UsageError; }

            var list = TrackManifest.Load(parse.GetValue(manifest)!);
            if (list.DuplicatesDropped > 0) Reporter.Warning($"{list.Source}: {list.DuplicatesDropped} path(s) listed more than once; each is analysed once");
            bool analyse = (wanted & (BatchTasks.Beats | BatchTasks.Tempo | BatchTasks.Key)) != 0;
            var analyzer = !analyse ? null : new Analyzer(new AnalysisOptions
            {
                Load = MaxDurationOption.Apply(parse),
                Beats = (wanted & (BatchTasks.Beats | BatchTasks.Tempo)) != 0,
                Key = wanted.HasFlag(BatchTasks.Key),
            });
            // The embedders are not thread-safe: one per worker thread (the first one made here checks the model at once).
            var modelName = parse.GetValue(model)!;   // read once: System.CommandLine's lookups are not thread-safe
            var firstEmbedder = wanted.HasFlag(BatchTasks.Embed) ? Groove.Embeddings.TrackEmbedder.Create(modelName) : null;
            using var embedders = new ThreadLocal<Groove.Embeddings.TrackEmbedder?>(() => firstEmbedder is null ? null : Groove.Embeddings.TrackEmbedder.Create(modelName));
            var maxDuration = MaxDurationOption.From(parse);

            using IBatchStore store = dir is not null ? new ResultFolder(dir, wanted) : OpenIndex(dbPath!, wanted, firstEmbedder);
            using var shardLock = store.LockShard(part);
            if (store is ResultFolder folder)
                folder.CheckSettings(ResultWriter.Json(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("tasks", BatchTaskNames.Format(wanted));
                    if (analyzer?.BeatTracker is { } tracker) w.WriteString("beat_tracker", tracker.Name);
                    if (analyzer?.KeyMethodName is { } key) w.WriteString("key_method", key);
                    if (firstEmbedder is not null) w.WriteString("embedding_model", firstEmbedder.ModelName);
                    w.WriteEndObject();
                }, indented: false) + "\n");

            using var signals = new StopSignals();

            var summary = CatalogueRunner.Run(list, store, new CatalogueRunOptions(part, jobCount, parse.GetValue(force), parse.GetValue(retryFailed), TimeSpan.FromSeconds(every)),
                (file, warn, ct) =>
                {
                    var analysis = analyzer?.Analyze(file, onWarning: warn, cancellationToken: ct);
                    ct.ThrowIfCancellationRequested();
                    var embedder = embedders.Value;
                    // The analysis decoded the file already (unless it read a long one in blocks): embed from that audio.
                    var embedding = embedder?.Embed(analysis?.Audio is { } audio
                        ? Groove.Embeddings.LogMelTiles.FromAudio(audio)
                        : Groove.Embeddings.LogMelTiles.LoadAudio(file, maxDuration, warn));
                    return new TrackOutcome(analysis, embedding, embedder?.ModelName);
                },
                signals.Token);
            Console.Out.WriteLine(summary.Line(part));
            return summary.ExitCode;
        });
        return cmd;
    }

    /// <summary>The library index at <paramref name="path"/> as a result store (its vectors must be of the embedder's model).</summary>
    private static IndexStore OpenIndex(string path, BatchTasks tasks, Groove.Embeddings.TrackEmbedder? embedder)
    {
        var index = LibraryIndex.Open(path);
        try
        {
            if (embedder is not null) index.RequireModel(embedder.ModelName, embedder.Dimension);
            return new IndexStore(index, tasks, embedder?.ModelName);
        }
        catch
        {
            index.Dispose();
            throw;
        }
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
