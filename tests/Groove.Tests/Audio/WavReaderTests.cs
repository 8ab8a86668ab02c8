using System.Buffers.Binary;
using Groove.Audio;
using Groove.Tests.Support;

namespace Groove.Tests.Audio;

public class WavReaderTests
{
    private static AudioBuffer Read(byte[] bytes, List<string>? warnings = null, bool seekable = true)
    {
        Stream s = seekable ? new MemoryStream(bytes) : new NonSeekableStream(bytes);
        return WavReader.Read(s, "test.wav", w => warnings?.Add(w));
    }

    [Fact]
    public void ReadsPcm8Unsigned()
    {
        var a = Read(new WavBytes { BitsPerSample = 8 }.Build([0, 64, 128, 255]));
        Assert.Equal([-1f, -0.5f, 0f, 127f / 128], a.Channels[0]);
    }

    [Fact]
    public void ReadsPcm16()
    {
        var a = Read(new WavBytes().Build(WavBytes.Int16(-32768, -1, 0, 12345, 32767)));
        Assert.Equal([-1f, -1f / 32768, 0f, 12345f / 32768, 32767f / 32768], a.Channels[0]);
        Assert.Equal(8000, a.SampleRate);
    }

    [Fact]
    public void ReadsPcm24()
    {
        // -8388608, -1, 1, 8388607 as little-endian 3-byte integers
        byte[] data = [0x00, 0x00, 0x80, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x7F];
        var a = Read(new WavBytes { BitsPerSample = 24 }.Build(data));
        Assert.Equal([-1f, -1f / 8388608, 1f / 8388608, 8388607f / 8388608], a.Channels[0]);
    }

    [Fact]
    public void ReadsPcm32()
    {
        var data = new byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(data, int.MinValue);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), 1 << 30);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(8), -(1 << 20));
        var a = Read(new WavBytes { BitsPerSample = 32 }.Build(data));
        Assert.Equal([-1f, 0.5f, -1f / 2048], a.Channels[0]);
    }

    [Fact]
    public void ReadsFloat32And64()
    {
        var f32 = Read(new WavBytes { FormatTag = 3, BitsPerSample = 32 }.Build(WavBytes.Float32(0.25f, -0.75f, 1.5f)));
        Assert.Equal([0.25f, -0.75f, 1.5f], f32.Channels[0]);
        var data = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(data, 0.125);
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8), -0.3);
        var f64 = Read(new WavBytes { FormatTag = 3, BitsPerSample = 64 }.Build(data));
        Assert.Equal([0.125f, -0.3f], f64.Channels[0]);
    }

    [Fact]
    public void ReadsExtensible24BitsIn32BitContainersWithSixChannels()
    {
        // Valid bits 24, container 32: samples are left-justified, so value v<<8.
        const int channels = 6;
        var data = new byte[2 * channels * 4];
        for (int i = 0; i < 2 * channels; i++) BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4 * i), (i - 6) * 1000 << 8);
        var a = Read(new WavBytes { Extensible = true, Channels = channels, BitsPerSample = 24, ContainerBytes = 4 }.Build(data));
        Assert.Equal(channels, a.ChannelCount);
        Assert.Equal(2, a.Length);
        for (int c = 0; c < channels; c++)
        {
            Assert.Equal((c - 6) * 1000 / 8388608f, a.Channels[c][0]);
            Assert.Equal((c + channels - 6) * 1000 / 8388608f, a.Channels[c][1]);
        }
    }

    [Fact]
    public void ReadsExtensibleFloat()
    {
        var a = Read(new WavBytes { Extensible = true, FormatTag = 3, Channels = 2, BitsPerSample = 32 }.Build(WavBytes.Float32(0.1f, 0.2f, 0.3f, 0.4f)));
        Assert.Equal([0.1f, 0.3f], a.Channels[0]);
        Assert.Equal([0.2f, 0.4f], a.Channels[1]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SkipsUnknownAndOddSizedChunksWithOrWithoutPadByte(bool omitPad)
    {
        var wav = new WavBytes
        {
            OmitPadBytes = omitPad,
            ChunksBeforeFmt = [("JUNK", new byte[7])],
            ExtraChunks = [("LIST", new byte[13]), ("fact", new byte[4]), ("odd ", new byte[1])],
        };
        foreach (bool seekable in new[] { true, false })
        {
            var a = Read(wav.Build(WavBytes.Int16(100, -200, 300)), seekable: seekable);
            Assert.Equal([100f / 32768, -200f / 32768, 300f / 32768], a.Channels[0]);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TruncatedDataChunkReadsWhatIsThereAndWarns(bool seekable)
    {
        var bytes = new WavBytes { Channels = 2, DataSizeField = 4000 }.Build(WavBytes.Int16(1, 2, 3, 4, 5, 6));
        bytes = bytes[..^1];   // and cut into the last frame
        var warnings = new List<string>();
        var a = Read(bytes, warnings, seekable);
        Assert.Equal(2, a.Length);
        Assert.Equal([1f / 32768, 3f / 32768], a.Channels[0]);
        var w = Assert.Single(warnings);
        Assert.Contains("truncated", w);
        Assert.DoesNotContain('\n', w);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void UnknownDataSizeReadsToTheEndWithoutWarning(bool seekable)
    {
        var warnings = new List<string>();
        var a = Read(new WavBytes { DataSizeField = 0xFFFFFFFF }.Build(WavBytes.Int16(7, 8, 9)), warnings, seekable);
        Assert.Equal([7f / 32768, 8f / 32768, 9f / 32768], a.Channels[0]);
        Assert.Empty(warnings);
    }

    [Fact]
    public void ReadsRf64WithDs64Size()
    {
        var a = Read(new WavBytes { Riff = "RF64", Ds64DataSize = 4, DataSizeField = 0xFFFFFFFF }.Build(WavBytes.Int16(5, 6, 7)));
        Assert.Equal([5f / 32768, 6f / 32768], a.Channels[0]);   // ds64 says 4 bytes: the third sample is not data
    }

    [Theory]
    [InlineData(0, "empty file")]
    [InlineData(3, "not a WAV file")]
    [InlineData(10, "truncated WAV header")]
    [InlineData(20, "truncated WAV header")]
    [InlineData(30, "truncated WAV header")]
    [InlineData(40, "no data chunk")]
    public void CutHeadersGiveOneLineErrors(int keep, string expected)
    {
        var bytes = new WavBytes().Build(WavBytes.Int16(1, 2, 3))[..keep];
        if (keep == 3) bytes = "RIX"u8.ToArray();
        var e = Assert.Throws<GrooveException>(() => Read(bytes));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("test.wav: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void RejectsNonWaveRiffAndZeroChannels()
    {
        var avi = new WavBytes().Build(WavBytes.Int16(1));
        "AVI "u8.CopyTo(avi.AsSpan(8));
        Assert.Contains("not WAVE", Assert.Throws<GrooveException>(() => Read(avi)).Message);
        Assert.Contains("0 channels", Assert.Throws<GrooveException>(() => Read(new WavBytes { Channels = 0 }.Build([]))).Message);
    }

    [Fact]
    public void DataBeforeFmtIsRejected()
    {
        var ok = new WavBytes().Build(WavBytes.Int16(1));
        // RIFF hdr(12) + fmt(24) + data(8+2): move data in front of fmt.
        var bad = ok[..12].Concat(ok[36..]).Concat(ok[12..36]).ToArray();
        Assert.Contains("before the fmt", Assert.Throws<GrooveException>(() => Read(bad)).Message);
    }

    [Fact]
    public void ReadsAFileFromDisk()
    {
        using var dir = new TempDir();
        var path = dir.File("x.wav");
        File.WriteAllBytes(path, new WavBytes { SampleRate = 44100, Channels = 2 }.Build(WavBytes.Int16(1, -1, 2, -2)));
        var a = WavReader.Read(path);
        Assert.Equal(44100, a.SampleRate);
        Assert.Equal([-1f / 32768, -2f / 32768], a.Channels[1]);
        Assert.Contains("no such file", Assert.Throws<GrooveException>(() => WavReader.Read(dir.File("none.wav"))).Message);
    }

    /// <summary>A stream that cannot seek or tell its length, like a pipe.</summary>
    internal sealed class NonSeekableStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        // Return at most 5 bytes per call, like a slow pipe.
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 5));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
