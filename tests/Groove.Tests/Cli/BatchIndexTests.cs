using System.Text.Json;
using Groove.Index;
using Groove.Tests.Support;

namespace Groove.Tests.Cli;

/// <summary><c>groove batch --db</c>: results and embeddings in the library index, one transaction per track.</summary>
public class BatchIndexTests
{
    [Fact]
    public void Results_embeddings_and_failures_go_into_the_index_and_a_rerun_repeats_nothing()
    {
        using var dir = new TempDir();
        var (manifest, listed) = BatchCommandTests.Catalogue(dir, good: 3, withBroken: true);
        var db = dir.File("lib.db");

        var first = CliProcess.Run("batch", manifest, "--db", db, "--tasks", "beats,tempo,key,embed", "--model", "mfcc");
        Assert.Equal(1, first.ExitCode);
        Assert.Contains("4 tracks: 3 analysed, 0 already done, 1 failed", first.Stdout);

        using (var index = SqliteTrackIndex.Open(db))
        {
            Assert.Equal(4, index.Count);
            Assert.Equal("mfcc-stats20", index.Model);
            foreach (var path in listed.Take(3))
            {
                var t = index.Get(dir.File(path))!;
                var root = JsonDocument.Parse(t.ResultsJson!).RootElement;
                Assert.Equal(path, root.GetProperty("path").GetString());
                Assert.True(root.GetProperty("beats").GetArrayLength() > 5);
                Assert.Equal(root.GetProperty("key").GetProperty("key").GetString(), t.Key);
                Assert.InRange(t.Tempo!.Value, 30, 300);
                Assert.Equal(index.Dimension, t.Vector!.Length);
                Assert.Equal(ContentHash.Of(dir.File(path)), t.ContentHash);
                Assert.False(root.TryGetProperty("embed", out _));          // the vector lives in its column, not twice
            }
            var broken = index.Get(dir.File("audio/broken.wav"))!;
            Assert.Contains("not a readable audio file", JsonDocument.Parse(broken.ResultsJson!).RootElement.GetProperty("error").GetString());
            Assert.Null(broken.Vector);
        }

        var again = CliProcess.Run("batch", manifest, "--db", db, "--tasks", "beats,tempo,key,embed", "--model", "mfcc");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("4 tracks: 0 analysed, 3 already done, 1 failed (1 in an earlier run", again.Stdout);

        // Asking for less is already done; another embedding model is refused by the index in one line.
        Assert.Contains("3 already done", CliProcess.Run("batch", manifest, "--db", db, "--tasks", "tempo").Stdout);
        var other = CliProcess.Run("batch", manifest, "--db", db, "--tasks", "embed", "--model", "random");
        Assert.Equal(1, other.ExitCode);
        Assert.Contains("holds vectors of model 'mfcc-stats20'", Assert.Single(other.StderrLines));
    }

    [Fact]
    public void Out_and_db_together_or_neither_is_refused()
    {
        using var dir = new TempDir();
        var (manifest, _) = BatchCommandTests.Catalogue(dir, good: 1, withBroken: false);
        foreach (var args in new[] { new[] { "batch", manifest }, ["batch", manifest, "--out", dir.File("o"), "--db", dir.File("lib.db")] })
        {
            var r = CliProcess.Run(args);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("give one place for the results", Assert.Single(r.StderrLines));
        }
    }
}
