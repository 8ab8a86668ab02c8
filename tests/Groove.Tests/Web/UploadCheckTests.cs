using Groove.Web.Jobs;
using Groove.Web.Upload;

namespace Groove.Tests.Web;

public class UploadCheckTests
{
    [Theory]
    [InlineData("RIFF\u0024\0\0\0WAVEfmt ", "wav")]
    [InlineData("fLaC\0\0\0\u0022\0\0\0\0", "flac")]
    [InlineData("OggS\0\u0002\0\0\0\0\0\0", "ogg")]
    [InlineData("\0\0\0\u0020ftypM4A ", "m4a")]
    [InlineData("ID3\u0004\0\0\0\0\0\0\0\0", "mp3")]
    [InlineData("RF64\u00ff\u00ff\u00ff\u00ffWAVEds64", "wav")]
    [InlineData("FORM\0\0\u0010\0AIFFCOMM", "aiff")]
    [InlineData("hello world!", null)]
    [InlineData("RIFF\0\0\0\0AVI LIST", null)]
    [InlineData("<html><body>", null)]
    [InlineData("PK\u0003\u0004\0\0\0\0\0\0\0\0", null)]
    public void Sniffs_containers_by_content(string header, string? expected)
    {
        var bytes = header.Select(c => (byte)c).ToArray();
        Assert.Equal(expected, AudioSniffer.Sniff(bytes));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x64 }, "mp3")]   // MPEG-1 layer III, 128 kbit/s, 44.1 kHz
    [InlineData(new byte[] { 0xFF, 0xF3, 0x48, 0xC4 }, "mp3")]   // MPEG-2 layer III
    [InlineData(new byte[] { 0xFF, 0xF1, 0x50, 0x80 }, "aac")]   // ADTS
    [InlineData(new byte[] { 0xFF, 0xFB, 0xF0, 0x64 }, null)]    // bad bitrate index
    [InlineData(new byte[] { 0xFF, 0xFB, 0x9C, 0x64 }, null)]    // reserved sample rate
    [InlineData(new byte[] { 0xFF, 0xEB, 0x90, 0x64 }, null)]    // reserved MPEG version
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, null)]    // JPEG
    public void Sniffs_mpeg_frame_headers(byte[] header, string? expected) =>
        Assert.Equal(expected, AudioSniffer.Sniff(header));

    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("a\u0000b\u001b[31m.wav", "ab[31m.wav")]
    [InlineData("   ", "upload")]
    [InlineData(null, "upload")]
    [InlineData("...", "upload")]
    public void Display_names_are_cleaned(string? raw, string expected) =>
        Assert.Equal(expected, UploadName.ForDisplay(raw));

    [Fact]
    public void Display_names_are_capped()
    {
        Assert.Equal(120, UploadName.ForDisplay(new string('x', 500) + ".wav").Length);
    }

    [Theory]
    [InlineData("My Song.mp3", ".beats", "My Song.beats")]
    [InlineData("a\"b;c.wav", ".json", "a_b_c.json")]
    [InlineData(".wav", " (clicks).wav", "song (clicks).wav")]
    public void Download_names_are_plain(string display, string extension, string expected) =>
        Assert.Equal(expected, UploadName.ForDownload(display, extension));

    [Fact]
    public void Job_ids_are_random_hex_and_validated()
    {
        var a = JobId.New();
        var b = JobId.New();
        Assert.NotEqual(a, b);
        Assert.True(JobId.IsValid(a));
        Assert.Matches("^[0-9a-f]{32}$", a);
        Assert.False(JobId.IsValid(null));
        Assert.False(JobId.IsValid(a.ToUpperInvariant()));
        Assert.False(JobId.IsValid("../" + a[3..]));
        Assert.False(JobId.IsValid(a + "0"));
        Assert.False(JobId.IsValid(a[..31] + "g"));
    }
}
