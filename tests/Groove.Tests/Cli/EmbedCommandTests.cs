using System.Text.Json;
using Groove.Audio;
using Groove.Tests.Support;

namespace Groove.Tests.Cli;

/// <summary>
/// groove embed | similar | cluster | probe end to end on small generated WAVs, with the MFCC model (no weights
/// needed), on both index backends: an SQLite file and a database of the test PostgreSQL server.
/// </summary>
[Collection(PostgresCollection.Name)]
public class EmbedCommandTests(PostgresServer server)
{
    private string NewIndex(TempDir dir, string backend) => backend == "postgres" ? server.NewDatabase() : dir.File("lib.db");

    private static string MakeLibrary(TempDir dir)
    {
        var lib = Path.Combine(dir.Path, "music");
        Directory.CreateDirectory(lib);
        var rng = new Rng(3);
        for (int i = 0; i < 3; i++)
        {
            WavWriter.Write(Path.Combine(lib, $"tone{i}.wav"), AudioBuffer.FromMono(Signals.Sine(440 + 5 * i, 16000, 16000 * 6), 16000));
            var noise = new float[16000 * 6];
            rng.FillNormal(noise, 0, 0.2f);
            WavWriter.Write(Path.Combine(lib, $"noise{i}.wav"), AudioBuffer.FromMono(noise, 16000));
        }
        File.WriteAllText(Path.Combine(lib, "broken.wav"), "RIFF not really a wave file");
        return lib;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void EmbedSkipsUnchangedAndReportsUnreadableFiles(string backend)
    {
        using var dir = new TempDir();
        var lib = MakeLibrary(dir);
        var db = NewIndex(dir, backend);
        var r = CliProcess.Run("embed", lib, "--index", db, "--model", "mfcc");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(r.StderrLines, l => l.Contains("broken.wav") && l.StartsWith("groove: error:"));
        Assert.Contains("6 embedded, 0 unchanged, 1 failed", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);

        var again = CliProcess.Run("embed", lib, "--index", db, "--model", "mfcc");
        Assert.Contains("0 embedded, 6 unchanged, 1 failed", again.Stderr);

        var mismatch = CliProcess.Run("embed", Path.Combine(lib, "tone0.wav"), "--index", db, "--model", "random");
        Assert.Equal(1, mismatch.ExitCode);
        Assert.Contains("holds vectors of model 'mfcc-stats20'", mismatch.Stderr);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void SimilarClusterAndProbeUseTheIndex(string backend)
    {
        using var dir = new TempDir();
        var lib = MakeLibrary(dir);
        File.Delete(Path.Combine(lib, "broken.wav"));
        var db = NewIndex(dir, backend);
        Assert.Equal(0, CliProcess.Run("embed", lib, "--index", db, "--model", "mfcc").ExitCode);

        var sim = CliProcess.Run("similar", "noise0", "--index", db, "-k", "2", "--json");
        Assert.Equal(0, sim.ExitCode);
        using var doc = JsonDocument.Parse(sim.Stdout);
        var results = doc.RootElement.GetProperty("results").EnumerateArray().Select(e => e.GetProperty("path").GetString()!).ToList();
        Assert.Equal(2, results.Count);
        Assert.DoesNotContain(results, p => p.EndsWith("noise0.wav"));
        Assert.All(results, p => Assert.Contains("noise", Path.GetFileName(p))); // white noise is nearest white noise

        // float16 rows, memory-mapped from a matrix file built on first use: the same tracks.
        var matrix = dir.File("lib.matrix");
        foreach (var run in new[] { "builds the matrix file", "maps it as it is" })
        {
            var f16 = CliProcess.Run("similar", "noise0", "--index", db, "-k", "2", "--json", "--precision", "f16", "--mapped", matrix);
            Assert.True(f16.ExitCode == 0, run + ": " + f16.Stderr);
            using var d16 = JsonDocument.Parse(f16.Stdout);
            Assert.Equal(results.Order(), d16.RootElement.GetProperty("results").EnumerateArray().Select(e => e.GetProperty("path").GetString()!).Order());
            Assert.True(File.Exists(matrix));
        }
        Assert.NotEqual(0, CliProcess.Run("similar", "noise0", "--index", db, "--precision", "f8").ExitCode);

        var cluster = CliProcess.Run("cluster", "--index", db, "--k", "2");
        Assert.Equal(0, cluster.ExitCode);
        Assert.Contains("silhouette", cluster.Stdout);

        var csv = dir.File("labels.csv");
        File.WriteAllLines(csv, ["track,label", .. Enumerable.Range(0, 3).SelectMany(i => new[] { $"tone{i},tone", $"noise{i}.wav,noise" })]);
        var probe = CliProcess.Run("probe", "--index", db, "--labels", csv, "--folds", "0", "--json");
        Assert.Equal(0, probe.ExitCode);
        using var p = JsonDocument.Parse(probe.Stdout);
        Assert.Equal(6, p.RootElement.GetProperty("items").GetInt32());
        Assert.Equal(1.0, p.RootElement.GetProperty("accuracy").GetDouble());

        var html = dir.File("map.html");
        var map = CliProcess.Run("map", "--index", db, "-o", html, "--labels", csv, "--perplexity", "2");
        Assert.Equal(0, map.ExitCode);
        var page = File.ReadAllText(html);
        Assert.Contains("noise2.wav", page);
        Assert.Contains("\"label\":\"tone\"", page);

        var missing = CliProcess.Run("similar", "nothing-like-this", "--index", db);
        Assert.Equal(1, missing.ExitCode);
        Assert.Single(missing.StderrLines);
    }

    [Fact]
    public void TheShippedTile2VecModelEmbedsAndSearches()
    {
        using var dir = new TempDir();
        var lib = MakeLibrary(dir);
        File.Delete(Path.Combine(lib, "broken.wav"));
        var db = dir.File("lib.db");
        var r = CliProcess.Run("embed", lib, "--index", db, "--model", "tile2vec");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("model tile2vec-w0.125-d0.5-128-", r.Stderr);
        // The query file is embedded with the index's model kind (tile2vec), found by name, and excluded from its results.
        var sim = CliProcess.Run("similar", Path.Combine(lib, "tone1.wav"), "--index", db, "-k", "3");
        Assert.Equal(0, sim.ExitCode);
        var lines = sim.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.DoesNotContain(lines, l => l.EndsWith("tone1.wav"));
    }

    [Fact]
    public void AnUnreachableOrBadPostgresIndexIsAOneLineErrorAndNonZeroExit()
    {
        using var dir = new TempDir();
        var lib = MakeLibrary(dir);
        foreach (var (command, url) in new[]
        {
            ("embed", "postgres://me:secret@127.0.0.1:1/music"),  // nothing listens on port 1
            ("similar", server.Url("no_such_database")),
            ("embed", "postgres://me@localhost:port/music"),
        })
        {
            var r = command == "embed"
                ? CliProcess.Run("embed", lib, "--index", url, "--model", "mfcc")
                : CliProcess.Run("similar", "tone0", "--index", url);
            Assert.NotEqual(0, r.ExitCode);
            Assert.Single(r.StderrLines);
            Assert.StartsWith("groove: error:", r.StderrLines[0]);
            Assert.DoesNotContain("secret", r.Stderr);
        }
    }
}
