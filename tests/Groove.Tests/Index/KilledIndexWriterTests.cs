using Groove.Index;
using Groove.Tests.Audio;
using Groove.Tests.Cli;
using Groove.Tests.Support;

namespace Groove.Tests.Index;

/// <summary>
/// Fault injection for the library index: <c>groove embed --index</c> killed at random points leaves an index that
/// opens and holds only whole tracks (one transaction per track), and a re-run completes it with the same vectors as
/// a run that was never interrupted — on both backends (an SQLite file, a database of the test PostgreSQL server).
/// </summary>
[Collection(PostgresCollection.Name)]
public class KilledIndexWriterTests(PostgresServer server)
{
    /// <summary>The Tile2Vec network with seeded random weights: the same computation as a trained model, and always
    /// there (the trained model ships separately).</summary>
    private const string Model = "random";

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void Embed_killed_at_random_points_leaves_whole_tracks_and_a_rerun_completes_identically(string backend)
    {
        using var dir = new TempDir();
        var songs = Directory.CreateDirectory(dir.File("songs")).FullName;
        const int songCount = 20;
        for (int i = 0; i < songCount; i++)
            AudioTestFiles.Wav(Path.Combine(songs, $"song{i}.wav"), 22050, Signals.ClickTrack(90 + 5 * i, 20, seed: i));

        string NewIndex(string name) => backend == "postgres" ? server.NewDatabase() : dir.File($"{name}.sqlite");
        var reference = NewIndex("reference");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var first = CliProcess.Run("embed", songs, "--index", reference, "--model", Model);
        double runMs = clock.Elapsed.TotalMilliseconds;
        Assert.True(first.ExitCode == 0, first.Stderr);
        var expected = Read(reference);
        Assert.Equal(songCount, expected.Count);

        // Kill points spread over 30–80 % of an uninterrupted run's time (the first part is start-up), so
        // most land while tracks are being written; at least one must, or the test would prove nothing.
        var rng = new Random(16);
        int interrupted = 0;
        for (int trial = 0; trial < 3; trial++)
        {
            var lib = NewIndex($"killed{trial}");
            CliProcess.RunAndKillAfter(TimeSpan.FromMilliseconds(runMs * (0.3 + 0.5 * rng.NextDouble())), "embed", songs, "--index", lib, "--model", Model);
            // Whatever the killed run committed is a whole track, equal to the reference's.
            if (backend == "postgres" || File.Exists(lib))
            {
                var partial = Read(lib);
                if (partial.Count < songCount) interrupted++;
                foreach (var (path, track) in partial) AssertSame(expected[path], track);
            }

            var rerun = CliProcess.Run("embed", songs, "--index", lib, "--model", Model);
            Assert.True(rerun.ExitCode == 0, rerun.Stderr);
            var done = Read(lib);
            Assert.Equal(expected.Keys.Order(), done.Keys.Order());
            foreach (var (path, track) in done) AssertSame(expected[path], track);
        }
        Assert.True(interrupted > 0, "no kill landed before the run finished");
    }

    private static Dictionary<string, IndexedTrack> Read(string location)
    {
        using ITrackIndex index = PostgresLocation.Is(location) ? PostgresTrackIndex.Open(location) : SqliteTrackIndex.Open(location);
        return index.List().ToDictionary(t => t.Path, t => index.Get(t.Path, withTiles: true)!);
    }

    /// <summary>The same file embedded by the same build on the same machine: the vectors are bit-identical (the
    /// computation is deterministic and single-threaded per track), so exact equality is right here.</summary>
    private static void AssertSame(IndexedTrack expected, IndexedTrack actual)
    {
        Assert.Equal(expected.ContentHash, actual.ContentHash);
        Assert.Equal(expected.Model, actual.Model);
        Assert.Equal(expected.DurationSeconds, actual.DurationSeconds);
        Assert.Equal(expected.Vector, actual.Vector);
        Assert.NotNull(actual.Tiles);
        Assert.Equal(expected.Tiles!.Count, actual.Tiles.Count);
        for (int i = 0; i < expected.Tiles.Count; i++) Assert.Equal(expected.Tiles[i], actual.Tiles[i]);
    }
}
