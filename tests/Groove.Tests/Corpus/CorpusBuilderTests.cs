using Groove.Audio;
using Groove.Corpus;
using Groove.Tests.Support;

namespace Groove.Tests.Corpus;

public sealed class CorpusBuilderTests
{
    private static CorpusRecord Row(CorpusSummary s, string fileName) =>
        Assert.Single(s.Records, r => r.Source.EndsWith("/" + fileName, StringComparison.Ordinal));

    [Fact]
    public void Builds_caches_music_and_drops_duplicates_silence_corrupt_and_missing_files()
    {
        using var tmp = new TempDir();
        var debs = tmp.File("debs");
        var list = TestDebs.BuildTestMusic(debs, tmp.File("src"));
        var source = new CountingDebSource(debs);
        var outDir = tmp.File("corpus");

        var s = new CorpusBuilder(outDir, source).Build(list);

        Assert.Equal(CorpusStatus.Cached, Row(s, "song.wav").Status);
        Assert.Equal("audio/testmusic/song.wav", Row(s, "song.wav").Cached);
        Assert.Equal(CorpusStatus.Cached, Row(s, "linked.wav").Status);   // through the symlink
        Assert.Equal(CorpusStatus.Cached, Row(s, "zipped.wav").Status);   // out of public.zip
        Assert.Equal("audio/testmusic/zipped.wav", Row(s, "zipped.wav").Cached);

        var copy = Row(s, "copy.wav");
        Assert.Equal(CorpusStatus.Duplicate, copy.Status);
        Assert.Contains("the same audio as audio/testmusic/song.wav", copy.Reason);
        var near = Row(s, "near.wav");
        Assert.Equal(CorpusStatus.Duplicate, near.Status);
        Assert.Contains("near duplicate of audio/testmusic/song.wav", near.Reason);
        var quiet = Row(s, "quiet.wav");
        Assert.Equal(CorpusStatus.Silent, quiet.Status);
        Assert.InRange(quiet.RmsDb, -86, -84); // uniform noise of amplitude 1e-4: RMS 1e-4/√3 = −84.8 dBFS
        var broken = Row(s, "broken.mp3");
        Assert.Equal(CorpusStatus.Corrupt, broken.Status);
        Assert.Contains("/usr/share/games/testmusic/music/broken.mp3", broken.Reason); // the listed path, not the scratch copy
        Assert.DoesNotContain(".work", broken.Reason);
        Assert.Equal(CorpusStatus.Missing, Row(s, "absent.ogg").Status);

        Assert.Equal(3, s.CachedFiles);
        Assert.Equal(3 * 40.0 / 3600, s.CachedHours, 1e-9);
        Assert.Equal(new Dictionary<CorpusStatus, int> { [CorpusStatus.Duplicate] = 2, [CorpusStatus.Silent] = 1, [CorpusStatus.Corrupt] = 1, [CorpusStatus.Missing] = 1 },
            s.Dropped);
        Assert.Equal("3 files cached (0.03 h), 5 dropped (2 duplicate, 1 silent, 1 corrupt, 1 missing)", s.Describe());

        // Exactly the kept files are in the cache, as 16 kHz mono; the cached song is the source's samples (both 16-bit).
        var wavs = Directory.GetFiles(Path.Combine(outDir, "audio"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order();
        Assert.Equal(["linked.wav", "song.wav", "zipped.wav"], wavs);
        var song = AudioFile.Load(Path.Combine(outDir, "audio/testmusic/song.wav"));
        Assert.Equal((16000, 1, 40 * 16000), (song.SampleRate, song.ChannelCount, song.Length));
        var original = AudioFile.Load(tmp.File("src/testmusic/usr/share/games/testmusic/music/song.wav"));
        Assert.Equal(original.Channels[0], song.Channels[0]);

        // The manifest lists every row, the scratch folder is gone, and the test's .deb was handed back.
        var manifest = CorpusManifest.Read(Path.Combine(outDir, "corpus.tsv"));
        Assert.Equal(list.Select(e => e.Path), manifest.Select(r => r.Source));
        Assert.Equal(s.Records.Select(r => (r.Status, r.Cached)), manifest.Select(r => (r.Status, r.Cached)));
        Assert.False(Directory.Exists(Path.Combine(outDir, ".work", "testmusic")));
        Assert.Equal(["testmusic"], source.Released);
    }

    [Fact]
    public void A_second_run_fetches_nothing_and_reports_the_same_corpus()
    {
        using var tmp = new TempDir();
        var debs = tmp.File("debs");
        var list = TestDebs.BuildSongs("alpha", 2, 10, debs, tmp.File("src"));
        var outDir = tmp.File("corpus");
        var first = new CorpusBuilder(outDir, new CountingDebSource(debs)).Build(list);
        var manifest = File.ReadAllText(Path.Combine(outDir, "corpus.tsv"));

        var source = new CountingDebSource(debs);
        var second = new CorpusBuilder(outDir, source).Build(list);

        Assert.Empty(source.Fetched);
        Assert.Equal((1, 0), (first.PackagesBuilt, first.PackagesAlreadyDone));
        Assert.Equal((0, 1), (second.PackagesBuilt, second.PackagesAlreadyDone));
        Assert.Equal(first.Describe(), second.Describe());
        Assert.Equal(manifest, File.ReadAllText(Path.Combine(outDir, "corpus.tsv")));
    }

    [Fact]
    public void A_cancelled_run_resumes_to_the_same_corpus_as_an_uninterrupted_one()
    {
        using var tmp = new TempDir();
        var debs = tmp.File("debs");
        var list = TestDebs.BuildSongs("alpha", 3, 20, debs, tmp.File("src"))
            .Concat(TestDebs.BuildSongs("beta", 2, 30, debs, tmp.File("src"))).ToList();
        var straight = tmp.File("straight");
        new CorpusBuilder(straight, new CountingDebSource(debs)).Build(list);

        // Stop while alpha's third song is being decoded: two WAVs are written, alpha is not done.
        var resumed = tmp.File("resumed");
        using var cts = new CancellationTokenSource();
        var stopper = new StopAt(p => p.Package == "alpha" && p.Activity == "decoding s2.wav", cts);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new CorpusBuilder(resumed, new CountingDebSource(debs)).Build(list, stopper, cancellationToken: cts.Token));
        Assert.Equal(["s0.wav", "s1.wav"], Directory.GetFiles(Path.Combine(resumed, "audio", "alpha")).Select(Path.GetFileName).Order());
        Assert.False(File.Exists(Path.Combine(resumed, "packages", "alpha.tsv")));
        Assert.False(File.Exists(Path.Combine(resumed, "corpus.tsv")));
        Assert.Empty(Directory.GetFiles(resumed, "*.tmp", SearchOption.AllDirectories));

        var source = new CountingDebSource(debs);
        var summary = new CorpusBuilder(resumed, source).Build(list);
        Assert.Equal(["alpha", "beta"], source.Fetched);
        Assert.Equal(5, summary.CachedFiles);
        Assert.Equal(File.ReadAllText(Path.Combine(straight, "corpus.tsv")), File.ReadAllText(Path.Combine(resumed, "corpus.tsv")));
        foreach (var wav in Directory.GetFiles(Path.Combine(straight, "audio"), "*.wav", SearchOption.AllDirectories))
            Assert.Equal(File.ReadAllBytes(wav), File.ReadAllBytes(Path.Combine(resumed, Path.GetRelativePath(straight, wav))));

        // Stopped between packages: the finished one is not fetched again.
        var between = tmp.File("between");
        using var cts2 = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => new CorpusBuilder(between, new CountingDebSource(debs))
            .Build(list, new StopAt(p => p.Package == "beta" && p.Activity == "fetching", cts2), cancellationToken: cts2.Token));
        var again = new CountingDebSource(debs);
        new CorpusBuilder(between, again).Build(list);
        Assert.Equal(["beta"], again.Fetched);
        Assert.Equal(File.ReadAllText(Path.Combine(straight, "corpus.tsv")), File.ReadAllText(Path.Combine(between, "corpus.tsv")));
    }

    [Fact]
    public void Packages_option_selects_and_duplicates_are_found_across_packages()
    {
        using var tmp = new TempDir();
        var debs = tmp.File("debs");
        var alpha = TestDebs.BuildSongs("alpha", 2, 40, debs, tmp.File("src"));
        // gamma ships alpha's first song again, plus a song of its own.
        var root = tmp.File("src/gamma");
        TestDebs.WriteWav(Path.Combine(root, "usr/share/gamma/again.wav"), TestDebs.Music(40, 80, 1)); // = alpha's s0
        TestDebs.WriteWav(Path.Combine(root, "usr/share/gamma/own.wav"), TestDebs.Music(99, 100));
        TestDebs.BuildDeb(root, "gamma", debs);
        var list = alpha.Concat(MusicList.Parse(["package\tpath", "gamma\t/usr/share/gamma/again.wav", "gamma\t/usr/share/gamma/own.wav"], "l")).ToList();
        var outDir = tmp.File("corpus");

        var onlyAlpha = new CorpusBuilder(outDir, new CountingDebSource(debs), new CorpusOptions { Packages = ["alpha"] }).Build(list);
        Assert.Equal(2, onlyAlpha.Records.Count);
        var all = new CorpusBuilder(outDir, new CountingDebSource(debs)).Build(list);
        Assert.Equal((1, 1), (all.PackagesBuilt, all.PackagesAlreadyDone));
        Assert.Equal(CorpusStatus.Duplicate, Row(all, "again.wav").Status);
        Assert.Contains("audio/alpha/s0.wav", Row(all, "again.wav").Reason);
        Assert.Equal(CorpusStatus.Cached, Row(all, "own.wav").Status);

        var e = Assert.Throws<GrooveException>(() => new CorpusBuilder(outDir, new CountingDebSource(debs), new CorpusOptions { Packages = ["nope"] }).Build(list));
        Assert.Equal("nope: not a package of the music list", e.Message);
        var rate = Assert.Throws<GrooveException>(() => new CorpusBuilder(outDir, new CountingDebSource(debs), new CorpusOptions { SampleRate = 22050 }).Build(list));
        Assert.Contains("holds audio at 16000 Hz, not 22050 Hz", rate.Message);
    }

    [Fact]
    public void A_package_that_cannot_be_fetched_or_read_fails_alone_and_is_retried()
    {
        using var tmp = new TempDir();
        var debs = tmp.File("debs");
        var list = TestDebs.BuildSongs("alpha", 1, 50, debs, tmp.File("src")).ToList();
        File.WriteAllText(Path.Combine(debs, "bad_1.0_all.deb"), "this is not a deb");
        list.AddRange(MusicList.Parse(["package\tpath", "bad\t/usr/share/bad/x.wav", "absent\t/usr/share/absent/y.wav"], "l"));
        var outDir = tmp.File("corpus");
        var failures = new List<string>();

        var s = new CorpusBuilder(outDir, new CountingDebSource(debs)).Build(list, onPackageFailed: failures.Add);

        Assert.Equal(1, s.CachedFiles);
        Assert.Equal(["bad", "absent"], s.FailedPackages.Select(f => f.Package));
        Assert.Equal(2, failures.Count);
        Assert.StartsWith("bad: ", failures[0]);
        Assert.Contains("not a readable .deb", failures[0]);
        Assert.Equal("absent: no absent_*.deb in " + debs, failures[1]);
        Assert.DoesNotContain('\n', failures[0]);
        Assert.EndsWith("2 package(s) failed (bad, absent): run again to retry", s.Describe());

        var again = new CountingDebSource(debs);
        new CorpusBuilder(outDir, again).Build(list);
        Assert.Equal(["bad", "absent"], again.Fetched);
    }

    [Fact]
    public void Only_one_build_at_a_time_writes_a_folder()
    {
        using var tmp = new TempDir();
        var debs = tmp.File("debs");
        var list = TestDebs.BuildSongs("alpha", 1, 80, debs, tmp.File("src"));
        var outDir = tmp.File("corpus");
        GrooveException? second = null;
        var probe = new StopAt(p =>
        {
            if (p.Activity == "fetching" && second is null)
                second = Assert.Throws<GrooveException>(() => new CorpusBuilder(outDir, new CountingDebSource(debs)).Build(list));
            return false;
        }, new CancellationTokenSource());
        new CorpusBuilder(outDir, new CountingDebSource(debs)).Build(list, probe);
        Assert.NotNull(second);
        Assert.StartsWith($"{outDir}: another corpus build is writing this folder", second.Message);
        Assert.Equal(1, new CorpusBuilder(outDir, new CountingDebSource(debs)).Build(list).CachedFiles); // released after
    }

    [Fact]
    public void Cache_names_stay_unique_within_a_package()
    {
        var list = MusicList.Parse([
            "package\tpath",
            "p1\t/a/x.ogg", "p1\t/b/x.ogg", "p1\t/a/x.mp3", "p1\t/a/y z.ogg", "p1\tmusic/p1/inner/w.ogg",
        ], "l");
        var names = CorpusBuilder.CacheNames(list);
        Assert.Equal(["a_x_ogg", "b_x", "a_x_mp3", "y_z", "w"], list.Select(e => names[e]));
    }

    private sealed class StopAt(Func<CorpusProgress, bool> when, CancellationTokenSource cts) : IProgress<CorpusProgress>
    {
        public void Report(CorpusProgress value)
        {
            if (when(value)) cts.Cancel();
        }
    }
}
