using System.Text.Json;
using Groove.Cli.Infrastructure.Batch;
using Groove.Tests.Audio;
using Groove.Tests.Support;

namespace Groove.Tests.Cli;

/// <summary><c>groove batch</c> run as a user runs it: results, failures, re-runs, shards and bad command lines.</summary>
public class BatchCommandTests
{
    /// <summary>A catalogue of <paramref name="good"/> 6-second click tracks and, listed after them, one file that is not audio.</summary>
    internal static (string Manifest, List<string> Listed) Catalogue(TempDir dir, int good, bool withBroken)
    {
        Directory.CreateDirectory(dir.File("audio"));
        var listed = new List<string>();
        for (int i = 0; i < good; i++)
        {
            AudioTestFiles.Wav(dir.File($"audio/t{i}.wav"), 22050, Signals.ClickTrack(96 + 9 * i, 6, seed: i));
            listed.Add($"audio/t{i}.wav");
        }
        if (withBroken)
        {
            File.WriteAllText(dir.File("audio/broken.wav"), "not audio at all");
            listed.Add("audio/broken.wav");
        }
        var manifest = dir.File("tracks.txt");
        File.WriteAllLines(manifest, listed);
        return (manifest, listed);
    }

    /// <summary>Result files (not failures, not batch.json) by the path they name, with their text.</summary>
    internal static Dictionary<string, string> Results(string outDir) =>
        Directory.GetFiles(outDir, "*.json", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".failed.json", StringComparison.Ordinal) && Path.GetFileName(f) != "batch.json")
            .ToDictionary(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("path").GetString()!, File.ReadAllText);

    [Fact]
    public void Analyses_every_track_records_a_failure_with_its_reason_and_a_rerun_repeats_nothing()
    {
        using var dir = new TempDir();
        var (manifest, listed) = Catalogue(dir, good: 3, withBroken: true);
        var outDir = dir.File("out");

        var first = CliProcess.Run("batch", manifest, "--out", outDir, "--jobs", "2");
        Assert.Equal(1, first.ExitCode);                                   // one track failed
        Assert.Contains("shard 0/1: 4 tracks: 3 analysed, 0 already done, 1 failed", first.Stdout);
        Assert.Contains(first.StderrLines, l => l.StartsWith("groove: error: audio/broken.wav: ", StringComparison.Ordinal));

        var results = Results(outDir);
        Assert.Equal(listed.Take(3).Order(), results.Keys.Order());
        foreach (var json in results.Values)
        {
            var root = JsonDocument.Parse(json).RootElement;
            Assert.True(root.GetProperty("beats").GetArrayLength() > 5);
            Assert.InRange(root.GetProperty("tempo").GetProperty("bpm1").GetDouble(), 30, 300);
            Assert.False(string.IsNullOrEmpty(root.GetProperty("key").GetProperty("key").GetString()));
        }
        var failure = Assert.Single(Directory.GetFiles(outDir, "*.failed.json", SearchOption.AllDirectories));
        var record = JsonDocument.Parse(File.ReadAllText(failure)).RootElement;
        Assert.Equal("audio/broken.wav", record.GetProperty("path").GetString());
        Assert.Contains("not a readable audio file", record.GetProperty("error").GetString());
        Assert.Equal(ResultFolder.TrackId("audio/broken.wav") + ".failed.json", Path.GetFileName(failure));

        // A re-run touches no finished track, still reports the failure, and still exits non-zero.
        var stamps = Directory.GetFiles(outDir, "*.json", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var again = CliProcess.Run("batch", manifest, "--out", outDir);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("4 tracks: 0 analysed, 3 already done, 1 failed (1 in an earlier run", again.Stdout);
        foreach (var (f, t) in stamps) Assert.Equal(t, File.GetLastWriteTimeUtc(f));

        // Once the file is fixed, --retry-failed does that track alone, and the failure record goes.
        File.Copy(dir.File("audio/t0.wav"), dir.File("audio/broken.wav"), overwrite: true);
        var retry = CliProcess.Run("batch", manifest, "--out", outDir, "--retry-failed");
        Assert.Equal(0, retry.ExitCode);
        Assert.Contains("4 tracks: 1 analysed, 3 already done, 0 failed", retry.Stdout);
        Assert.Empty(Directory.GetFiles(outDir, "*.failed.json", SearchOption.AllDirectories));
        Assert.Equal(4, Results(outDir).Count);
    }

    [Fact]
    public void A_rerun_removes_the_temporary_batch_json_a_killed_run_left_and_keeps_a_live_writers()
    {
        using var dir = new TempDir();
        var (manifest, _) = Catalogue(dir, good: 1, withBroken: false);
        var outDir = dir.File("out");
        Directory.CreateDirectory(outDir);
        // What a run killed while writing batch.json leaves: AtomicFile's ".<name>.<pid>.<guid>.tmp" of a process
        // that no longer runs (pid 2^22 + 1 is above Linux's pid_max ceiling, so no process has it); and one of a
        // process that still runs (this test's), which must stay.
        var abandoned = Path.Combine(outDir, $".batch.json.{(1 << 22) + 1}.{Guid.NewGuid():N}.tmp");
        var live = Path.Combine(outDir, $".batch.json.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(abandoned, "{\"tasks\":");
        File.WriteAllText(live, "{\"tasks\":");

        var run = CliProcess.Run("batch", manifest, "--out", outDir);
        Assert.Equal(0, run.ExitCode);
        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(Path.Combine(outDir, "batch.json")));
    }

    [Fact]
    public void Shards_run_separately_give_each_track_one_result_identical_to_an_unsharded_run()
    {
        using var dir = new TempDir();
        var (manifest, listed) = Catalogue(dir, good: 5, withBroken: false);
        var whole = CliProcess.Run("batch", manifest, "--out", dir.File("whole"), "--tasks", "beats,tempo");
        Assert.Equal(0, whole.ExitCode);
        var expected = Results(dir.File("whole"));

        int analysed = 0;
        for (int i = 0; i < 3; i++)
        {
            var r = CliProcess.Run("batch", manifest, "--out", dir.File("sharded"), "--tasks", "tempo,beats", "--shard", $"{i}/3");
            Assert.Equal(0, r.ExitCode);
            analysed += int.Parse(System.Text.RegularExpressions.Regex.Match(r.Stdout, @"(\d+) analysed").Groups[1].Value);
        }
        Assert.Equal(listed.Count, analysed);                             // none twice
        var sharded = Results(dir.File("sharded"));
        Assert.Equal(expected, sharded);                                  // same bytes, every track once
        Assert.DoesNotContain("\"key\"", sharded.Values.First());         // only the tasks asked for
    }

    [Fact]
    public void Bad_command_lines_and_manifests_are_one_line_before_any_work()
    {
        using var dir = new TempDir();
        var (manifest, _) = Catalogue(dir, good: 1, withBroken: false);
        var outDir = dir.File("out");

        void Refused(int code, string says, params string[] args)
        {
            var r = CliProcess.Run(["batch", .. args]);
            Assert.Equal(code, r.ExitCode);
            var line = Assert.Single(r.StderrLines);
            Assert.Contains(says, line);
        }
        Refused(2, "--shard 4/4: the shard index must be below 4", manifest, "--out", outDir, "--shard", "4/4");
        Refused(2, "--tasks: unknown task 'bpm'", manifest, "--out", outDir, "--tasks", "beats,bpm");
        Refused(1, $"{dir.File("none.txt")}: no such manifest file", dir.File("none.txt"), "--out", outDir);
        File.WriteAllText(dir.File("bad.csv"), "id,file\n1,a.wav\n");
        Refused(1, "bad.csv:1: a CSV manifest needs a header row with a 'path' column", dir.File("bad.csv"), "--out", outDir);

        // A folder holding results of other tasks is not mixed with new ones.
        Assert.Equal(0, CliProcess.Run("batch", manifest, "--out", outDir, "--tasks", "key").ExitCode);
        Refused(1, "holds results made with other settings", manifest, "--out", outDir, "--tasks", "beats");
    }

    [Fact]
    public void Batch_manifest_writes_a_list_that_batch_reads()
    {
        using var dir = new TempDir();
        Catalogue(dir, good: 2, withBroken: false);
        var list = dir.File("lists/all.txt");
        var r = CliProcess.Run("batch", "manifest", dir.File("audio"), "-o", list);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal($"{list}: 2 tracks", r.Stdout.Trim());
        Assert.Equal(["../audio/t0.wav", "../audio/t1.wav"], File.ReadAllLines(list).Where(l => !l.StartsWith('#')));
        var second = CliProcess.Run("batch", "manifest", dir.File("audio"), "-o", list);
        Assert.Equal(2, second.ExitCode);                                 // no overwrite without --force
        Assert.Equal(0, CliProcess.Run("batch", list, "--out", dir.File("out"), "--tasks", "tempo").ExitCode);
        Assert.Equal(2, Results(dir.File("out")).Count);
    }
}
