using Groove.Audio;
using Groove.Cli;
using Groove.Dsp;
using Groove.Tests.Support;
using Groove.IO;

namespace Groove.Tests.Dsp;

public class FeaturesCommandTests
{
    private static string Clip => SharedData.Path("data", "dev", "gtzan20", "audio", "gtzan_blues_00000.wav");

    [Fact]
    public void WritesFrameMajorLogMelMatchingTheLibrary()
    {
        using var tmp = new TempDir();
        int rc = Program.Main(["features", "logmel", Clip, "--out", tmp.Path, "--n-mels", "64", "--hop", "256"]);
        Assert.Equal(0, rc);
        var npy = NpyFile.Read(tmp.File("gtzan_blues_00000.logmel.npy"));
        var audio = AudioFile.Load(Clip, new AudioLoadOptions { SampleRate = 22050, Mono = true });
        var expected = new MelSpectrogram(22050, 2048, 256, 64).ComputeDb(audio.Channels[0]);
        Assert.Equal([1 + audio.Length / 256, 64], npy.Shape);
        var got = npy.ToFloat();
        Assert.Equal(expected, got);
    }

    [Fact]
    public void ResamplesToTheRequestedRateAndSkipsExistingOutputs()
    {
        using var tmp = new TempDir();
        Assert.Equal(0, Program.Main(["features", "mel", Clip, "-o", tmp.Path, "--sr", "16000", "--n-fft", "512", "--hop", "160", "--n-mels", "40"]));
        var path = tmp.File("gtzan_blues_00000.mel.npy");
        var npy = NpyFile.Read(path);
        int samples = (int)Math.Round(AudioFile.Probe(Clip).Duration!.Value * 16000);
        Assert.InRange(npy.Shape[0], 1 + (samples - 2) / 160, 1 + (samples + 2) / 160);
        Assert.Equal(40, npy.Shape[1]);
        Assert.All(npy.Data, v => Assert.True(v >= 0 && double.IsFinite(v)));
        var stamp = File.GetLastWriteTimeUtc(path);
        Thread.Sleep(20);
        Assert.Equal(0, Program.Main(["features", "mel", Clip, "-o", tmp.Path, "--sr", "16000", "--n-fft", "512", "--hop", "160", "--n-mels", "40"]));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
    }

    [Theory]
    [InlineData("nosuchkind")]
    [InlineData("mel", "--hop", "0")]
    [InlineData("mel", "--n-fft", "8")]
    [InlineData("mel", "--sr", "10")]
    public void BadArgumentsFailWithoutOutput(string kind, params string[] extra)
    {
        using var tmp = new TempDir();
        int rc = Program.Main(["features", kind, Clip, "--out", tmp.Path, .. extra]);
        Assert.NotEqual(0, rc);
        Assert.Empty(Directory.GetFiles(tmp.Path));
    }

    [Fact]
    public void AMissingInputFailsButOthersAreWritten()
    {
        using var tmp = new TempDir();
        int rc = Program.Main(["features", "mel", tmp.File("missing.wav"), Clip, "--out", tmp.Path]);
        Assert.Equal(1, rc);
        Assert.True(File.Exists(tmp.File("gtzan_blues_00000.mel.npy")));
    }
}
