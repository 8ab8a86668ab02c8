using System.Security.Cryptography;
using System.Text;
using Groove.IO;

namespace Groove.Cli.Infrastructure.Batch;

/// <summary>Where a track stands in a result store.</summary>
internal enum TrackState { Todo, Done, Failed }

/// <summary>
/// <c>groove batch --out DIR</c>'s results: one JSON file per track, <c>DIR/ab/&lt;id&gt;.json</c> (a failure:
/// <c>&lt;id&gt;.failed.json</c> with the reason), where the id is a hash of the track's path as the manifest writes it
/// and <c>ab</c> its first two hex digits (256 folders keep each one small at millions of tracks). Every file is
/// written whole through <see cref="AtomicFile"/> (temporary file, then rename), so a killed run leaves finished
/// tracks and nothing half-written, and a re-run knows a track is done by its file alone. <c>DIR/batch.json</c>
/// records the tasks, so a later run asking for others is refused instead of mixing results.
/// </summary>
internal sealed class ResultFolder
{
    private const string SettingsName = "batch.json";

    public ResultFolder(string dir) => Dir = dir;

    /// <summary>The folder.</summary>
    public string Dir { get; }

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
    public TrackState State(string id) =>
        File.Exists(ResultPath(id)) ? TrackState.Done : File.Exists(FailurePath(id)) ? TrackState.Failed : TrackState.Todo;

    /// <summary>Writes the track's result whole, then removes an earlier failure record.</summary>
    public void SaveResult(string id, string json)
    {
        AtomicFile.WriteAllText(ResultPath(id), json);
        try { File.Delete(FailurePath(id)); } catch (IOException) { }
    }

    /// <summary>Writes the track's failure record whole.</summary>
    public void SaveFailure(string id, string json) => AtomicFile.WriteAllText(FailurePath(id), json);

    /// <summary>
    /// Deletes the temporary files a killed run left for the tracks in <paramref name="ids"/> (this shard's: another
    /// shard's temporaries may belong to a live writer on another machine). Returns how many were deleted.
    /// </summary>
    public int RemoveAbandoned(IReadOnlySet<string> ids)
    {
        int removed = 0;
        if (!Directory.Exists(Dir)) return 0;
        foreach (var sub in Directory.EnumerateDirectories(Dir))
            foreach (var file in Directory.EnumerateFiles(sub, ".*.tmp"))
            {
                // ".<id>.json.<pid>.<guid>.tmp" or ".<id>.failed.json.<pid>.<guid>.tmp"
                var name = Path.GetFileName(file);
                int dot = name.IndexOf('.', 1);
                if (dot < 0 || !ids.Contains(name[1..dot])) continue;
                try { File.Delete(file); removed++; } catch (IOException) { }
            }
        return removed;
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
        var path = Path.Combine(locks, $"shard-{shard.Index}-of-{shard.Count}.lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new GrooveException($"{Dir}: shard {shard} is being written by another running groove batch; wait for it or stop it");
        }
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
            return;
        }
        // Shards starting together write the same text; the rename makes either one the whole file.
        AtomicFile.WriteAllText(path, settings);
    }
}
