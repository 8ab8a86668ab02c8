using Groove.Audio;
using Groove.Tests.Audio;
using Groove.Tests.Support;
using Groove.Nn.Kernels;

namespace Groove.Tests.Cli;

/// <summary>The bad inputs every command must survive, made once for the class.</summary>
public sealed class BadInputFiles : IDisposable
{
    private readonly TempDir _dir = new();
    public string Good => _dir.File("good.wav");
    public string Good2 => _dir.File("good2.flac");
    public string Missing => _dir.File("missing.wav");
    public string Directory => _dir.File("a-folder.wav");
    public string TextAsMp3 => _dir.File("notes.mp3");
    public string Empty => _dir.File("empty.wav");
    public string TruncatedHeader => _dir.File("truncated.wav");
    public string NanWav => _dir.File("nan.wav");
    public string Silence => _dir.File("silence.wav");
    public string ThreeHours => _dir.File("three-hours.wav");

    public BadInputFiles()
    {
        AudioTestFiles.Wav(Good, 22050, Signals.Sine(440, 22050, 22050));
        AudioTestFiles.Ffmpeg("-i", Good, "-c:a", "flac", Good2);
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(TextAsMp3, "Dear diary,\nthis is not music.\n");
        File.WriteAllBytes(Empty, []);
        File.WriteAllBytes(TruncatedHeader, File.ReadAllBytes(Good)[..22]);
        var x = Signals.Sine(440, 22050, 22050);
        x[100] = float.NaN;
        File.WriteAllBytes(NanWav, new WavBytes { FormatTag = 3, BitsPerSample = 32, SampleRate = 22050 }.Build(WavBytes.Float32(x)));
        AudioTestFiles.Wav(Silence, 22050, new float[22050]);
        const int rate = 8000;
        long frames = 3L * 3600 * rate;
        var header = new WavBytes { SampleRate = rate, DataSizeField = (uint)(frames * 2) }.Build([]);
        using var fs = File.Create(ThreeHours);
        fs.Write(header);
        fs.SetLength(header.Length + frames * 2);   // sparse: costs no disk
    }

    public string this[string name] => name switch
    {
        "missing" => Missing,
        "directory" => Directory,
        "text-as-mp3" => TextAsMp3,
        "empty" => Empty,
        "truncated-header" => TruncatedHeader,
        "nan" => NanWav,
        _ => throw new ArgumentException(name),
    };

    public void Dispose() => _dir.Dispose();
}

public class BadInputTests(BadInputFiles files) : IClassFixture<BadInputFiles>
{
    private static void NoStackTrace(CliProcess.Result r)
    {
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.DoesNotContain("Exception", r.Stderr);
        Assert.DoesNotContain("internal error", r.Stderr);
    }

    [Theory]
    [InlineData("info", "missing", "no such file")]
    [InlineData("info", "directory", "is a directory")]
    [InlineData("info", "text-as-mp3", "not a readable audio file")]
    [InlineData("info", "empty", "empty file")]
    [InlineData("info", "truncated-header", "truncated WAV header")]
    [InlineData("info", "nan", "NaN")]
    [InlineData("analyze", "missing", "no such file")]
    [InlineData("analyze", "directory", "is a directory")]
    [InlineData("analyze", "text-as-mp3", "not a readable audio file")]
    [InlineData("analyze", "empty", "empty file")]
    [InlineData("analyze", "truncated-header", "truncated WAV header")]
    [InlineData("analyze", "nan", "NaN")]
    public void BadInputIsOneLineOnStderrAndANonZeroExit(string command, string input, string expected)
    {
        string path = files[input];
        var r = CliProcess.Run(command, path);
        Assert.NotEqual(0, r.ExitCode);
        var line = Assert.Single(r.StderrLines);
        Assert.Contains(expected, line);
        Assert.Contains(path, line);
        Assert.Equal(1, CountOccurrences(line, path));   // the file is named once, not "x: x: ..."
        NoStackTrace(r);
        Assert.Equal("", r.Stdout.Trim());
    }

    [Theory]
    [InlineData("info")]
    [InlineData("analyze")]
    public void SilenceIsAWarningWithExitZero(string command)
    {
        var r = CliProcess.Run(command, files.Silence);
        Assert.Equal(0, r.ExitCode);
        NoStackTrace(r);
        Assert.Contains(files.Silence, r.Stdout);
        if (command == "info")
        {
            var line = Assert.Single(r.StderrLines);
            Assert.Contains("warning", line);
            Assert.Contains("silent", line);
        }
    }

    [Theory]
    [InlineData("info")]
    [InlineData("analyze")]
    public void OtherFilesOfABatchStillRun(string command)
    {
        var r = CliProcess.Run(command, files.Good, files.Missing, files.TextAsMp3, files.Empty, files.NanWav, files.Good2);
        Assert.Equal(1, r.ExitCode);
        NoStackTrace(r);
        Assert.Contains(files.Good, r.Stdout);
        Assert.Contains(files.Good2, r.Stdout);
        Assert.Equal(4, r.StderrLines.Count(l => l.Contains("error")));
    }

    [Fact]
    public void InfoReportsFormatDurationRateChannelsAndPeak()
    {
        var r = CliProcess.Run("info", files.Good, files.Good2);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        Assert.Contains("WAV, IEEE float 32-bit", r.Stdout);
        Assert.Contains("flac, FLAC", r.Stdout);
        Assert.Contains("1.000 s", r.Stdout);
        Assert.Contains("22050 Hz, 1 channel", r.Stdout);
        Assert.Contains("-6.0 dBFS", r.Stdout);   // a sine of amplitude 0.5

        var header = CliProcess.Run("info", "--header", files.Good2);
        Assert.Equal(0, header.ExitCode);
        Assert.Contains("1.000 s", header.Stdout);
        Assert.DoesNotContain("peak", header.Stdout);
    }

    [Fact]
    public void AThreeHourFileIsInfoedButNotLoadedWhole()
    {
        var info = CliProcess.Run("info", files.ThreeHours);
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("3:00:00", info.Stdout);
        var analyze = CliProcess.Run("analyze", files.ThreeHours);
        Assert.Equal(1, analyze.ExitCode);
        NoStackTrace(analyze);
        var line = Assert.Single(analyze.StderrLines);
        Assert.Contains("limit", line);
    }

    [Fact]
    public void NoArgumentsIsAUsageErrorNotACrash()
    {
        // (groove info without files describes the machine: VectorPathsTests.)
        var r = CliProcess.Run("analyze");
        Assert.NotEqual(0, r.ExitCode);
        NoStackTrace(r);
    }

    private static int CountOccurrences(string s, string part)
    {
        int n = 0;
        for (int i = s.IndexOf(part, StringComparison.Ordinal); i >= 0; i = s.IndexOf(part, i + part.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
