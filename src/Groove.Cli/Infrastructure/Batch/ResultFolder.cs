using System.Security.Cryptography;
using System.Text;
using Groove.IO;

namespace Groove.Cli.Infrastructure.Batch;

/// <summary>
/// <c>groove batch --out DIR</c>'s results: one JSON file per track, <c>DIR/ab/&lt;id&gt;.json</c> (a failure:
/// <c>&lt;id&gt;.failed.json</c> with the reason), where the id is a hash of the track's path as the manifest writes it
/// and <c>ab</c> its first two hex digits (256 folders keep each one small at millions of tracks). Every file is
/// written whole through <see cref="AtomicFile"/> (temporary file, then rename), so a killed run leaves finished
/// tracks and nothing half-written, and a re-run knows a track is done by its file alone. <c>DIR/batch.json</c>
/// records the tasks, so a later run asking for others is refused instead of mixing results.
/// </summary>
internal sealed class ResultFolder : IBatchStore
{
    private const string SettingsName = "batch.json";
    private readonly BatchTasks _tasks;

    /// <param name="dir">The folder (it exists and is writable: <see cref="OutputPaths.CheckFolder"/>).</param>
    /// <param name="tasks">What each result holds.</param>
    public ResultFolder(string dir, BatchTasks tasks)
    {
        Dir = dir;
        _tasks = tasks;
    }

    /// <summary>The folder.</summary>
    public string Dir { get; }

    /// <inheritdoc/>
    public string Location => Dir;

    /// <inheritdoc/>
    public void Dispose() { }

    /// <summary>The track's id: 20 hex digits (80 bits) of SHA-256 over its path as listed, so ids stay the same
    /// wherever the catalogue is mounted. Collisions among 10^7 tracks: about 4·10^-11.</summary>
    public static string TrackId(string listedPath)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(listedPath), hash);
        return Convert.ToHexStringLower(hash[..10]);
    }

    public string ResultPath(string id) => Path.Combine(Dir, id[..2], id + ".json");
    public string FailurePath(string id) => Path.Combine(Dir, id[..2], id + ".failed.json");

    /// <summary>Done when its result exists, failed when only its failure record does.</summary>
    public TrackState State(BatchTrack track) =>
        File.Exists(ResultPath(track.Id)) ? TrackState.Done : File.Exists(FailurePath(track.Id)) ? TrackState.Failed : TrackState.Todo;

    /// <summary>Writes the track's result whole, then removes an earlier failure record.</summary>
    public void SaveResult(BatchTrack track, TrackOutcome outcome)
    {
        AtomicFile.WriteAllText(ResultPath(track.Id), ResultWriter.BatchTrackJson(track.Listed, _tasks, outcome));
        try { File.Delete(FailurePath(track.Id)); } catch (IOException) { }
    }

    /// <summary>Writes the track's failure record whole.</summary>
    public void SaveFailure(BatchTrack track, string reason) =>
        AtomicFile.WriteAllText(FailurePath(track.Id), ResultWriter.BatchFailureJson(track.Listed, reason));

    /// <summary>
    /// Deletes the temporary files a killed run left for <paramref name="tracks"/> (this shard's: another shard's
    /// temporaries may belong to a live writer on another machine).
    /// </summary>
    public void RemoveAbandoned(IReadOnlyCollection<BatchTrack> tracks)
    {
        var ids = tracks.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        if (!Directory.Exists(Dir)) return;
        foreach (var sub in Directory.EnumerateDirectories(Dir))
            foreach (var file in Directory.EnumerateFiles(sub, ".*.tmp"))
            {
                // ".<id>.json.<pid>.<guid>.tmp" or ".<id>.failed.json.<pid>.<guid>.tmp"
                var name = Path.GetFileName(file);
                int dot = name.IndexOf('.', 1);
                if (dot < 0 || !ids.Contains(name[1..dot])) continue;
                try { File.Delete(file); } catch (IOException) { }
            }
    }

    /// <summary>
    /// Holds an exclusive lock on this shard of the folder for the run (released when the process ends, killed or
    /// not), so a shard re-submitted while its first run still writes stops at once instead of racing it.
    /// </summary>
    /// <exception cref="GrooveException">Another process holds it.</exception>
    public IDisposable LockShard(Shard shard)
    {
        var locks = Path.Combine(Dir, ".locks");
        Directory.CreateDirectory(locks);
        return ShardLock.Take(Path.Combine(locks, $"shard-{shard.Index}-of-{shard.Count}.lock"), Dir, shard);
    }

    /// <summary>
    /// Records <paramref name="settings"/> (the tasks and methods) on the first run; later runs must ask for the same.
    /// </summary>
    /// <exception cref="GrooveException">The folder holds results made with other settings.</exception>
    public void CheckSettings(string settings)
    {
        var path = Path.Combine(Dir, SettingsName);
        if (File.Exists(path))
        {
            var earlier = File.ReadAllText(path);
            if (earlier != settings)
                throw new GrooveException($"{Dir}: holds results made with other settings ({earlier.Trim()}); this run asks for {settings.Trim()}: give another --out folder");
        }
        else
        {
            // Shards starting together write the same text; the rename makes either one the whole file.
            AtomicFile.WriteAllText(path, settings);
        }
        // A run killed while writing batch.json left its temporary file here (the folder's top level holds no other
        // temporaries). Once batch.json exists no shard writes it again, so only a shard that started in the same
        // instant can still be writing one; a writer whose process is gone from this machine is removed. (On a cluster
        // that could, in that instant, be another node's live writer: its shard then stops with an error and is re-run.)
        AtomicFile.RemoveAbandoned(Dir);
    }
}
