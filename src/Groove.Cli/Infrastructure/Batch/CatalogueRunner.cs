using System.Diagnostics;
using System.Globalization;
using Groove.IO;
using Spectre.Console;

namespace Groove.Cli.Infrastructure.Batch;

/// <summary>How <see cref="CatalogueRunner"/> works through its shard.</summary>
/// <param name="Shard">Which tracks of the manifest.</param>
/// <param name="Jobs">Tracks analysed at once.</param>
/// <param name="Force">Redo tracks already done.</param>
/// <param name="RetryFailed">Redo tracks whose earlier attempt failed (otherwise they stay failed).</param>
/// <param name="ProgressEvery">Without a terminal (a cluster job's log): how often a progress line is written.</param>
internal sealed record CatalogueRunOptions(Shard Shard, int Jobs, bool Force, bool RetryFailed, TimeSpan ProgressEvery);

/// <summary>What a run did.</summary>
/// <param name="Tracks">Tracks in the shard.</param>
/// <param name="AlreadyDone">Skipped: done by an earlier run.</param>
/// <param name="Analysed">Analysed and saved by this run.</param>
/// <param name="Failed">Failed in this run.</param>
/// <param name="FailedEarlier">Skipped: failed in an earlier run (not retried).</param>
/// <param name="Elapsed">Time spent analysing.</param>
/// <param name="Interrupted">Stopped by a signal before the shard was through.</param>
internal sealed record CatalogueSummary(int Tracks, int AlreadyDone, int Analysed, int Failed, int FailedEarlier, TimeSpan Elapsed, bool Interrupted)
{
    /// <summary>Exit code: 0 when every track of the shard has a result, 1 when any failed, 130 when interrupted.</summary>
    public int ExitCode => Interrupted ? 130 : Failed + FailedEarlier > 0 ? Reporter.InputError : 0;

    /// <summary>"shard 0/4: 250 tracks: 240 analysed, 8 already done, 2 failed in 1m02s (3.90 tracks/s)".</summary>
    public string Line(Shard shard)
    {
        var rate = new BatchProgress(Analysed + Failed, Analysed + Failed, Failed, Elapsed).TracksPerSecond;
        var failed = FailedEarlier > 0 ? $"{Failed + FailedEarlier} failed ({FailedEarlier} in an earlier run; --retry-failed redoes them)" : $"{Failed} failed";
        return string.Create(CultureInfo.InvariantCulture,
            $"shard {shard}: {Tracks} tracks: {Analysed} analysed, {AlreadyDone} already done, {failed}{(Interrupted ? ", interrupted" : "")} in {BatchProgress.Duration(Elapsed)} ({rate:F2} tracks/s)");
    }
}

/// <summary>
/// Works through one shard of a <see cref="TrackManifest"/> into an <see cref="IBatchStore"/>: skips tracks already
/// done, analyses the rest in parallel, saves each track's result (or its failure with the reason) whole as soon as
/// it is finished, never stops the shard for one track, and shows progress with throughput and time left.
/// SIGTERM/SIGINT (scancel, a pod's eviction, Ctrl-C) stop it between tracks: what was saved stays, the summary is
/// printed, and the next run goes on from there.
/// </summary>
internal static class CatalogueRunner
{
    /// <summary>The work for one track: the file to open, a warning sink, cancellation; returns what was computed.</summary>
    public delegate TrackOutcome TrackJob(string file, Action<string> warn, CancellationToken cancellationToken);

    public static CatalogueSummary Run(TrackManifest manifest, IBatchStore store, CatalogueRunOptions options, TrackJob job,
        CancellationToken cancellationToken)
    {
        var positions = options.Shard.Positions(manifest.Paths.Count).ToList();
        var tracks = positions.ToDictionary(p => p, p => new BatchTrack(manifest.Paths[p], manifest.Resolve(p), ResultFolder.TrackId(manifest.Paths[p])));
        store.RemoveAbandoned(tracks.Values);

        var todo = new List<int>(positions.Count);
        int alreadyDone = 0, failedEarlier = 0;
        foreach (var p in positions)
        {
            var state = options.Force ? TrackState.Todo : store.State(tracks[p]);
            if (state == TrackState.Failed && options.RetryFailed) state = TrackState.Todo;
            if (state == TrackState.Done) alreadyDone++;
            else if (state == TrackState.Failed) failedEarlier++;
            else todo.Add(p);
        }

        int finished = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        BatchProgress Progress() => new(Volatile.Read(ref finished), todo.Count, Volatile.Read(ref failed), clock.Elapsed);

        void RunOne(int p, CancellationToken ct)
        {
            var track = tracks[p];
            var (listed, file) = (track.Listed, track.File);
            try
            {
                var outcome = job(file, msg => Reporter.Warning($"{listed}: {msg}"), ct);
                store.SaveResult(track, outcome);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return; // not finished, not failed: the next run does it
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref failed);
                // Messages name the file opened; the record and the log name it as listed (once).
                var reason = Reporter.Describe(e);
                if (reason.StartsWith(file + ": ", StringComparison.Ordinal)) reason = reason[(file.Length + 2)..];
                Reporter.Error($"{listed}: {reason}");
                if (Environment.GetEnvironmentVariable("GROOVE_DEBUG") == "1") Console.Error.WriteLine(e);
                try
                {
                    store.SaveFailure(track, reason);
                }
                catch (Exception saveError) when (saveError is IOException or UnauthorizedAccessException or GrooveException or Microsoft.Data.Sqlite.SqliteException)
                {
                    Reporter.Error($"{listed}: the failure could not be recorded either ({Reporter.Describe(saveError)})");
                }
            }
            Interlocked.Increment(ref finished);
        }

        bool interrupted = false;
        var po = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Jobs), CancellationToken = cancellationToken };
        void RunAll(Action afterEach)
        {
            try
            {
                Parallel.ForEach(todo, po, p => { RunOne(p, cancellationToken); afterEach(); });
            }
            catch (OperationCanceledException) { interrupted = true; }
            if (cancellationToken.IsCancellationRequested) interrupted = true;
        }

        if (todo.Count > 0)
        {
            if (!Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive)
            {
                Reporter.ErrorConsole.Progress().AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask($"shard {options.Shard}", maxValue: todo.Count);
                        RunAll(() =>
                        {
                            var now = Progress();
                            task.Description = string.Create(CultureInfo.InvariantCulture, $"shard {options.Shard}: {now.Failed} failed, {now.TracksPerSecond:F2} tracks/s");
                            task.Increment(1);
                        });
                    });
            }
            else
            {
                Reporter.Note($"shard {options.Shard}: {todo.Count} of {positions.Count} tracks to do ({alreadyDone} already done, {failedEarlier} failed earlier), {po.MaxDegreeOfParallelism} at once");
                using var timer = new Timer(_ => Reporter.Note($"shard {options.Shard}: {Progress().Line()}"), null, options.ProgressEvery, options.ProgressEvery);
                RunAll(() => { });
            }
        }
        return new CatalogueSummary(positions.Count, alreadyDone, finished - failed, failed, failedEarlier, clock.Elapsed, interrupted);
    }
}
