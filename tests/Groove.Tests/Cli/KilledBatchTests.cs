using Groove.Tests.Support;

namespace Groove.Tests.Cli;

/// <summary>
/// Fault injection for <c>groove batch</c>: a shard killed (SIGKILL, no chance to clean up) at random points leaves
/// only whole results, and re-running it finishes with results byte-identical to an uninterrupted run.
/// </summary>
public class KilledBatchTests
{
    [Fact]
    public void A_shard_killed_at_random_points_leaves_whole_results_and_a_rerun_completes_identically()
    {
        using var dir = new TempDir();
        var (manifest, listed) = BatchCommandTests.Catalogue(dir, good: 6, withBroken: false);
        var first = CliProcess.Run("batch", manifest, "--out", dir.File("reference"), "--shard", "1/2", "--jobs", "1");
        Assert.Equal(0, first.ExitCode);
        var expected = BatchCommandTests.Results(dir.File("reference"));
        Assert.Equal(3, expected.Count);

        var rng = new Random(18);
        for (int trial = 0; trial < 3; trial++)
        {
            var outDir = dir.File($"killed{trial}");
            CliProcess.RunAndKillAfter(TimeSpan.FromMilliseconds(rng.Next(400, 3000)), "batch", manifest, "--out", outDir, "--shard", "1/2", "--jobs", "1");
            // Whatever is there under a result's name is whole and the same as the uninterrupted run's.
            int before = 0;
            if (Directory.Exists(outDir))
                foreach (var (path, text) in BatchCommandTests.Results(outDir))
                {
                    Assert.Equal(expected[path], text);
                    before++;
                }

            var rerun = CliProcess.Run("batch", manifest, "--out", outDir, "--shard", "1/2", "--jobs", "1");
            Assert.Equal(0, rerun.ExitCode);
            Assert.Contains($"3 tracks: {3 - before} analysed, {before} already done, 0 failed", rerun.Stdout);   // none redone
            Assert.DoesNotContain(Directory.GetFiles(outDir, "*", SearchOption.AllDirectories), f => f.EndsWith(".tmp", StringComparison.Ordinal));
            Assert.Equal(expected, BatchCommandTests.Results(outDir));
        }
    }

    [Fact]
    public void A_shard_killed_while_writing_the_index_loses_no_track_and_a_rerun_completes_identically()
    {
        using var dir = new TempDir();
        var (manifest, listed) = BatchCommandTests.Catalogue(dir, good: 5, withBroken: false);
        string[] Args(string db) => ["batch", manifest, "--db", db, "--tasks", "beats,tempo,key,embed", "--model", "mfcc", "--jobs", "1"];
        Assert.Equal(0, CliProcess.Run(Args(dir.File("reference.db"))).ExitCode);
        var expected = Stored(dir.File("reference.db"));
        Assert.Equal(listed.Count, expected.Count);

        var rng = new Random(19);
        for (int trial = 0; trial < 2; trial++)
        {
            var db = dir.File($"killed{trial}.db");
            CliProcess.RunAndKillAfter(TimeSpan.FromMilliseconds(rng.Next(600, 3000)), Args(db));
            int before = File.Exists(db) ? Stored(db).Count : 0;
            var rerun = CliProcess.Run(Args(db));
            Assert.Equal(0, rerun.ExitCode);
            Assert.Contains($"5 tracks: {5 - before} analysed, {before} already done, 0 failed", rerun.Stdout);
            Assert.Equal(expected, Stored(db));
        }
    }

    /// <summary>Each track whose results are stored: its results JSON and vector, by path.</summary>
    private static Dictionary<string, string> Stored(string db)
    {
        using var index = Groove.Index.SqliteTrackIndex.Open(db);
        return index.List().Where(t => t.ResultsJson is not null)
            .ToDictionary(t => t.Path, t => t.ResultsJson + string.Join(",", index.Get(t.Path)!.Vector!));
    }
}
