using Groove.Audio;
using Groove.Tests.Support;

namespace Groove.Tests.Audio;

public class WavWriterTests
{
    [Fact]
    public void Pcm16RoundsToTheNearestStepAndRoundTrips()
    {
        using var dir = new TempDir();
        var path = dir.File("a.wav");
        float[] x = [0f, 1f / 32768, -12345f / 32768, 0.3f, -0.3f, 0.49f / 32768, 0.51f / 32768, -1f];
        WavWriter.Write(path, AudioBuffer.FromMono(x, 22050));
        var back = WavReader.Read(path);
        Assert.Equal(22050, back.SampleRate);
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(MathF.Round(x[i] * 32768) / 32768, back.Channels[0][i]);
        Assert.Equal(44 + 2 * x.Length, new FileInfo(path).Length);
    }

    [Fact]
    public void Pcm16ClipsAndReportsIt()
    {
        using var dir = new TempDir();
        var path = dir.File("clip.wav");
        var warnings = new List<string>();
        WavWriter.Write(path, AudioBuffer.FromMono([1.5f, -2f, 1f, 0.5f, float.NaN], 8000), onWarning: warnings.Add);
        var back = WavReader.Read(path).Channels[0];
        Assert.Equal([32767f / 32768, -1f, 32767f / 32768, 0.5f, 0f], back);
        Assert.Contains(warnings, w => w.Contains("clipped 2 sample"));
        Assert.Contains(warnings, w => w.Contains("1 NaN"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Float32RoundTripsExactlyForAnyChannelCount(int channels)
    {
        using var dir = new TempDir();
        var path = dir.File("f.wav");
        var rng = new Random(channels);
        var data = new float[channels][];
        for (int c = 0; c < channels; c++)
        {
            data[c] = new float[1001];
            for (int i = 0; i < data[c].Length; i++) data[c][i] = (float)(rng.NextDouble() * 4 - 2);
        }
        WavWriter.Write(path, new AudioBuffer(data, 96000), WavSampleFormat.Float32);
        var back = WavReader.Read(path);
        Assert.Equal(96000, back.SampleRate);
        Assert.Equal(channels, back.ChannelCount);
        for (int c = 0; c < channels; c++) Assert.Equal(data[c], back.Channels[c]);
        Assert.Equal(channels > 2 ? "IEEE float 32-bit (extensible)" : "IEEE float 32-bit", AudioFile.Probe(path).Codec);
    }

    [Fact]
    public void Pcm16MultichannelUsesExtensibleAndRoundTrips()
    {
        using var dir = new TempDir();
        var path = dir.File("m.wav");
        var data = new float[4][];
        for (int c = 0; c < 4; c++) data[c] = [c / 8f, -c / 8f, 0.25f];
        WavWriter.Write(path, new AudioBuffer(data, 48000));
        var back = WavReader.Read(path);
        for (int c = 0; c < 4; c++) Assert.Equal(data[c], back.Channels[c]);
        Assert.Equal("PCM 16-bit (extensible)", AudioFile.Probe(path).Codec);
    }

    [Fact]
    public void FfmpegReadsWhatWeWrite()
    {
        using var dir = new TempDir();
        var path = dir.File("odd.wav");
        WavWriter.Write(path, AudioBuffer.FromMono([0.5f, -0.5f, 0.25f], 8000));
        Assert.Equal(44 + 6, new FileInfo(path).Length);
        // Format conformance beyond our own reader.
        var psi = new System.Diagnostics.ProcessStartInfo("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,sample_rate,channels", "-of", "csv=p=0", path])
        { RedirectStandardOutput = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        Assert.Equal("pcm_s16le,8000,1", output);
    }

    [Fact]
    public void WritesToAStream()
    {
        var ms = new MemoryStream();
        var warnings = new List<string>();
        WavWriter.Write(ms, new AudioBuffer([[0.5f, 2f], [-0.25f, 0f]], 16000), onWarning: warnings.Add);
        ms.Position = 0;
        var back = WavReader.Read(ms, "memory");
        Assert.Equal([0.5f, 32767f / 32768], back.Channels[0]);
        Assert.Equal([-0.25f, 0f], back.Channels[1]);
        Assert.Contains("clipped 1 sample", Assert.Single(warnings));
    }

    [Fact]
    public void WritingLeavesNoTemporaryFilesAndReplacesTheOldFile()
    {
        using var dir = new TempDir();
        var path = dir.File("r.wav");
        File.WriteAllText(path, "old");
        WavWriter.Write(path, AudioBuffer.FromMono([0.1f], 8000));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
        Assert.Equal(1, WavReader.Read(path).Length);
    }
}
