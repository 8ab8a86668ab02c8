using Groove.Corpus;
using Groove.Tests.Support;

namespace Groove.Tests.Corpus;

public sealed class MusicListTests
{
    [Fact]
    public void Reads_the_shared_list_with_its_archive_rows()
    {
        var list = MusicList.Read(SharedData.Path("data", "debian_music.tsv"));
        Assert.Equal(736, list.Count);
        Assert.Equal(27, list.Select(e => e.Package).Distinct().Count());
        var zipped = list.Where(e => e.IsInArchive).ToList();
        Assert.Equal(["0ad-data", "nexuiz-music", "ufoai-music"], zipped.Select(e => e.Package).Distinct().Order());
        var stairs = Assert.Single(list, e => e.Path == "music/nexuiz-music/sound/cdtracks/stairs.ogg");
        Assert.Equal("sound/cdtracks/stairs.ogg", stairs.ArchiveMember);
        Assert.Null(stairs.PackageFile);
        var plain = list.First(e => !e.IsInArchive);
        Assert.Equal(plain.Path[1..], plain.PackageFile);
        Assert.Equal(2, list[0].Line);
    }

    [Theory]
    [InlineData("nonsense\tfoo", "l: not a music list (the first line must be the header 'package<TAB>path_in_package…')")]
    [InlineData("package\tpath\npkg-only", "l:2: expected 'package<TAB>path' and found 'pkg-only'")]
    [InlineData("package\tpath\nBad_Name\t/x.ogg", "l:2: 'Bad_Name' is not a Debian package name")]
    [InlineData("package\tpath\nabc\trelative/x.ogg", "l:2: path 'relative/x.ogg' is neither absolute nor 'music/abc/<path in archive>'")]
    [InlineData("package\tpath\nabc\t/usr/../etc/passwd", "l:2: path '/usr/../etc/passwd' contains '..'")]
    [InlineData("package\tpath\nabc\t/x.ogg\nabc\t/x.ogg", "l:3: abc /x.ogg is listed twice")]
    [InlineData("package\tpath\n", "l: lists no recordings")]
    public void Bad_lists_fail_with_one_line_naming_the_row(string text, string message)
    {
        var e = Assert.Throws<GrooveException>(() => MusicList.Parse(text.Split('\n'), "l"));
        Assert.Equal(message, e.Message);
    }
}
