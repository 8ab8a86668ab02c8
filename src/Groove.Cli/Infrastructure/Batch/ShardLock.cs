using Groove.IO;

namespace Groove.Cli.Infrastructure.Batch;

/// <summary>An exclusive lock file for one shard of a store, held while a run writes it (the operating system drops
/// it when the process ends, killed or not).</summary>
internal static class ShardLock
{
    /// <summary>Takes the lock at <paramref name="lockPath"/>.</summary>
    /// <exception cref="GrooveException">Another process holds it: one line naming <paramref name="store"/> and <paramref name="shard"/>.</exception>
    public static IDisposable Take(string lockPath, string store, Shard shard)
    {
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw Busy(store, shard);
        }
    }

    /// <summary>The error for a shard that another run holds.</summary>
    public static GrooveException Busy(string store, Shard shard) =>
        new($"{store}: shard {shard} is being written by another running groove batch; wait for it or stop it");
}
