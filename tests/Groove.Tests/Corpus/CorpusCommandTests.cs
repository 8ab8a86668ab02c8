using Groove.Tests.Cli;
using Groove.Tests.Support;

namespace Groove.Tests.Corpus;

public sealed class CorpusCommandTests
{
    [Fact]
    public void Builds_from_a_deb_folder_then_says_there_is_nothing_to_do()
    {
        using var tmp = new TempDir();
        var debs = tmp.File("debs");
        TestDebs.BuildSongs("alpha", 2, 60, debs, tmp.File("src"));
        File.WriteAllText(tmp.File("list.tsv"), "package\tpath_in_package\nalpha\t/usr/share/alpha/s0.wav\nalpha\t/usr/share/alpha/s1.wav\n");
        string[] args = ["corpus", "debian", "--out", tmp.File("corpus"), "--list", tmp.File("list.tsv"), "--debs", debs, "--no-download"];

        var first = CliProcess.Run(args);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("2 files cached (0.02 h), none dropped; 1 package(s) built in", first.Stderr);
        Assert.True(File.Exists(tmp.File("corpus/audio/alpha/s1.wav")));
        Assert.True(File.Exists(tmp.File("corpus/corpus.tsv")));
        Assert.True(File.Exists(Path.Combine(debs, "alpha_1.0_all.deb"))); // a --debs folder is the user's: kept

        var second = CliProcess.Run(args);
        Assert.Equal(0, second.ExitCode);
        Assert.StartsWith("nothing to do: all 1 package(s) are cached in ", second.Stderr);
        Assert.Contains("2 files cached (0.02 h), none dropped", second.Stderr);
    }

    [Fact]
    public void Downloads_with_apt_get_and_deletes_each_download_once_its_package_is_cached()
    {
        using var tmp = new TempDir();
        var debs = tmp.File("built");
        TestDebs.BuildSongs("alpha", 1, 70, debs, tmp.File("src"));
        File.WriteAllText(tmp.File("list.tsv"), "package\tpath_in_package\nalpha\t/usr/share/alpha/s0.wav\nnosuch\t/usr/share/x.ogg\n");
        // A stand-in for apt-get: "downloads" the packages built above into the current folder, like apt-get download.
        var bin = Directory.CreateDirectory(tmp.File("bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "apt-get"),
            $"#!/bin/sh\n[ \"$1\" = download ] || exit 2\npkg=\"$3\"\necho \"$*\" >> '{tmp.File("calls.txt")}'\n" +
            $"if [ -f '{debs}'/\"$pkg\"_1.0_all.deb ]; then cp '{debs}'/\"$pkg\"_1.0_all.deb .; else echo \"E: Unable to locate package $pkg\" >&2; exit 100; fi\n");
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("needs a POSIX shell, like apt-get and dpkg-deb");
        File.SetUnixFileMode(Path.Combine(bin, "apt-get"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var env = new Dictionary<string, string> { ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH") };
        var outDir = tmp.File("corpus");

        var r = CliProcess.RunWithEnvironment(env, "corpus", "debian", "--out", outDir, "--list", tmp.File("list.tsv"));

        Assert.Equal(1, r.ExitCode); // one package could not be had
        Assert.Contains("groove: error: nosuch: apt-get download failed (E: Unable to locate package nosuch)", r.Stderr);
        Assert.Contains("1 files cached", r.Stderr);
        Assert.Contains("1 package(s) failed (nosuch): run again to retry", r.Stderr);
        Assert.Equal(["download -q alpha", "download -q nosuch"], File.ReadAllLines(tmp.File("calls.txt")));
        Assert.True(File.Exists(Path.Combine(outDir, "audio/alpha/s0.wav")));
        Assert.Empty(Directory.GetFiles(Path.Combine(outDir, ".debs"))); // the download was only for this run
        Assert.Empty(Directory.GetDirectories(Path.Combine(outDir, ".debs")));
    }

    [Fact]
    public void Bad_input_is_one_line_and_a_non_zero_exit()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("bad.tsv"), "package\tpath\nAB\t/x.ogg\n");
        var bad = CliProcess.Run("corpus", "debian", "--out", tmp.File("c"), "--list", tmp.File("bad.tsv"));
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal([$"groove: error: {tmp.File("bad.tsv")}:2: 'AB' is not a Debian package name"], bad.StderrLines);

        var missing = CliProcess.Run("corpus", "debian", "--out", tmp.File("c"), "--list", tmp.File("none.tsv"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal([$"groove: error: {tmp.File("none.tsv")}: no such file (the music list)"], missing.StderrLines);

        File.WriteAllText(tmp.File("ok.tsv"), "package\tpath\nabc\t/x.ogg\n");
        var unknown = CliProcess.Run("corpus", "debian", "--out", tmp.File("c"), "--list", tmp.File("ok.tsv"), "--packages", "xyz");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal(["groove: error: xyz: not a package of the music list"], unknown.StderrLines);

        var noTools = CliProcess.RunWithEnvironment(new Dictionary<string, string> { ["PATH"] = tmp.File("empty") },
            "corpus", "debian", "--out", tmp.File("c"), "--list", tmp.File("ok.tsv"), "--debs", tmp.File("debs"));
        Assert.Equal(1, noTools.ExitCode);
        Assert.Equal(["groove: error: building a corpus needs dpkg-deb, which is not installed (apt-get install dpkg)"], noTools.StderrLines);

        var offline = CliProcess.Run("corpus", "debian", "--out", tmp.File("c"), "--list", tmp.File("ok.tsv"), "--debs", tmp.File("debs"), "--no-download");
        Assert.Equal(1, offline.ExitCode);
        Assert.Contains($"groove: error: abc: no abc_*.deb in {tmp.File("debs")}", offline.Stderr);
    }
}
