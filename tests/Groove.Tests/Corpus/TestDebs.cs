using System.Diagnostics;
using System.IO.Compression;
using Groove.Audio;
using Groove.Corpus;

namespace Groove.Tests.Corpus;

/// <summary>
/// Builds small Debian packages with <c>dpkg-deb -b</c> for the corpus tests (no network): synthetic music as WAV
/// files, plain, behind a symbolic link and inside a zip archive, plus a copy, a near copy, a silent and a corrupt file.
/// </summary>
internal static class TestDebs
{
    public const int Rate = 16000;

    /// <summary>"Music" (40 s unless told): a chord that changes every <paramref name="chordSeconds"/> over noise hits at <paramref name="bpm"/>.</summary>
    public static float[] Music(int seed, double bpm, double chordSeconds = 2, double seconds = 40)
    {
        var rng = new Random(seed);
        int n = (int)(seconds * Rate);
        var x = new float[n];
        double beat = 60 / bpm;
        var freqs = new double[3];
        for (int i = 0; i < n; i++)
        {
            double t = i / (double)Rate;
            if (i % (int)(chordSeconds * Rate) == 0)
                for (int k = 0; k < 3; k++) freqs[k] = 110 * Math.Pow(2, rng.Next(0, 36) / 12.0);
            double chord = 0;
            foreach (var f in freqs) chord += Math.Sin(2 * Math.PI * f * t);
            double sinceBeat = t % beat;
            double hit = Math.Exp(-sinceBeat * 30) * (rng.NextDouble() * 2 - 1);
            x[i] = (float)(0.08 * chord + 0.4 * hit);
        }
        return x;
    }

    public static void WriteWav(string path, float[] samples, int rate = Rate)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        WavWriter.Write(path, AudioBuffer.FromMono(samples, rate), WavSampleFormat.Pcm16);
    }

    /// <summary>
    /// Package <c>testmusic</c>: song (music A), copy (A again), near (A quieter, shifted, with noise), quiet
    /// (−80 dBFS noise), broken.mp3 (not audio), linked.wav (a symlink to music B elsewhere in the package), and
    /// music C as <c>audio/music/zipped.wav</c> inside <c>data/public.zip</c>. Its list also names a file it lacks.
    /// </summary>
    public static IReadOnlyList<MusicListEntry> BuildTestMusic(string debDir, string scratch)
    {
        var root = Path.Combine(scratch, "testmusic");
        var music = Path.Combine(root, "usr/share/games/testmusic/music");
        var a = Music(1, 120);
        WriteWav(Path.Combine(music, "song.wav"), a);
        WriteWav(Path.Combine(music, "copy.wav"), a);
        var rng = new Random(7);
        var near = new float[a.Length];
        for (int i = 0; i < near.Length; i++)
            near[i] = 0.7f * a[Math.Max(0, i - 37)] + 0.003f * (float)(rng.NextDouble() * 2 - 1);
        WriteWav(Path.Combine(music, "near.wav"), near);
        var quiet = new float[3 * Rate];
        for (int i = 0; i < quiet.Length; i++) quiet[i] = 1e-4f * (float)(rng.NextDouble() * 2 - 1);
        WriteWav(Path.Combine(music, "quiet.wav"), quiet);
        var garbage = new byte[5000];
        rng.NextBytes(garbage);
        File.WriteAllBytes(Path.Combine(music, "broken.mp3"), garbage);
        WriteWav(Path.Combine(root, "usr/share/testmusic/b.wav"), Music(2, 93, 1.5));
        File.CreateSymbolicLink(Path.Combine(music, "linked.wav"), "../../../testmusic/b.wav");

        var zipSource = Path.Combine(scratch, "zip");
        WriteWav(Path.Combine(zipSource, "audio/music/zipped.wav"), Music(3, 140, 3));
        File.WriteAllText(Path.Combine(zipSource, "audio/readme.txt"), "not music");
        Directory.CreateDirectory(Path.Combine(root, "usr/share/games/testmusic/data"));
        ZipFile.CreateFromDirectory(zipSource, Path.Combine(root, "usr/share/games/testmusic/data/public.zip"));
        BuildDeb(root, "testmusic", debDir);

        const string dir = "/usr/share/games/testmusic/music/";
        return MusicList.Parse([
            "package\tpath_in_package\tbytes\tcodec",
            $"testmusic\t{dir}song.wav\t1\tpcm",
            $"testmusic\t{dir}copy.wav\t1\tpcm",
            $"testmusic\t{dir}near.wav\t1\tpcm",
            $"testmusic\t{dir}quiet.wav\t1\tpcm",
            $"testmusic\t{dir}broken.mp3\t1\tmp3",
            $"testmusic\t{dir}linked.wav\t1\tpcm",
            "testmusic\tmusic/testmusic/audio/music/zipped.wav\t1\tpcm",
            $"testmusic\t{dir}absent.ogg\t1\tvorbis",
        ], "test list");
    }

    /// <summary>Package <paramref name="name"/> with <paramref name="count"/> different songs <c>/usr/share/NAME/sN.wav</c>.</summary>
    public static IReadOnlyList<MusicListEntry> BuildSongs(string name, int count, int seed, string debDir, string scratch)
    {
        var root = Path.Combine(scratch, name);
        var lines = new List<string> { "package\tpath_in_package" };
        for (int i = 0; i < count; i++)
        {
            WriteWav(Path.Combine(root, $"usr/share/{name}/s{i}.wav"), Music(seed + i, 80 + 17 * i, 1 + 0.5 * i));
            lines.Add($"{name}\t/usr/share/{name}/s{i}.wav");
        }
        BuildDeb(root, name, debDir);
        return MusicList.Parse(lines, "test list");
    }

    public static void BuildDeb(string root, string package, string debDir)
    {
        Directory.CreateDirectory(Path.Combine(root, "DEBIAN"));
        File.WriteAllText(Path.Combine(root, "DEBIAN/control"),
            $"Package: {package}\nVersion: 1.0\nArchitecture: all\nMaintainer: Groove tests <tests@example.org>\nDescription: test music\n");
        Directory.CreateDirectory(debDir);
        var psi = new ProcessStartInfo("dpkg-deb") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--root-owner-group", "-Zgzip", "-b", root, Path.Combine(debDir, $"{package}_1.0_all.deb") })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"dpkg-deb -b failed: {err.Result}");
    }
}

/// <summary>An <see cref="IDebSource"/> over a folder of test .debs that counts what it was asked for.</summary>
internal sealed class CountingDebSource(string folder) : IDebSource
{
    private readonly AptDebSource _inner = new(folder, keepDownloads: true, download: false);
    public List<string> Fetched { get; } = [];
    public List<string> Released { get; } = [];

    public string Fetch(string package, CancellationToken cancellationToken)
    {
        Fetched.Add(package);
        return _inner.Fetch(package, cancellationToken);
    }

    public void Release(string package, string debPath) => Released.Add(package);
}
