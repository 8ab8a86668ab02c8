using Groove.IO;
using Groove.Tests.Support;

namespace Groove.Tests.IO;

public class TrackManifestTests
{
    private static TrackManifest Text(string text) => TrackManifest.Parse(text, "list.txt", "/cat", csv: false);
    private static TrackManifest Csv(string text) => TrackManifest.Parse(text, "list.csv", "/cat", csv: true);

    [Fact]
    public void A_text_manifest_is_one_path_a_line_without_blanks_comments_or_repeats()
    {
        var m = Text("# catalogue\n\na/one.mp3\r\n  b/two, with comma.flac  \n/abs/three.wav\na/one.mp3\n");
        Assert.Equal(["a/one.mp3", "b/two, with comma.flac", "/abs/three.wav"], m.Paths);
        Assert.Equal(1, m.DuplicatesDropped);
        Assert.Equal("/cat/a/one.mp3", m.Resolve(0));      // relative to the manifest's folder
        Assert.Equal("/abs/three.wav", m.Resolve(2));
    }

    [Fact]
    public void A_csv_manifest_takes_the_path_column_with_rfc4180_quoting()
    {
        var m = Csv("id,Path,artist\n1,a/one.mp3,X\n2,\"b/two, \"\"live\"\".flac\",Y\n\n3,\"c/line\nbreak.wav\",Z\n");
        Assert.Equal(["a/one.mp3", "b/two, \"live\".flac", "c/line\nbreak.wav"], m.Paths);
    }

    [Theory]
    [InlineData("id,file\n1,a.wav\n", "list.csv:1: a CSV manifest needs a header row with a 'path' column (found: id, file)")]
    [InlineData("id,path\n1\n", "list.csv:2: 1 field(s), but 'path' is column 2")]
    [InlineData("path\n\"a.wav\n", "list.csv:2: a quoted field is never closed")]
    [InlineData("path\na.wav\n\"b\"x\n", "list.csv:3: text after a closing quote")]
    [InlineData("path\na\"b.wav\n", "list.csv:2: a quote inside an unquoted field")]
    [InlineData("path\n  \n", "list.csv: the manifest lists no tracks")]
    [InlineData("path,n\n\"\",1\n", "list.csv:2: empty path")]
    public void Csv_errors_name_the_line(string text, string message)
    {
        var e = Assert.Throws<GrooveException>(() => Csv(text));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("# nothing\n\n", "list.txt: the manifest lists no tracks")]
    [InlineData("a.wav\nb\u0001.wav\n", "list.txt:2: control characters in a path")]
    [InlineData("a.wav\0", "list.txt: not a text manifest (it holds NUL bytes)")]
    public void Text_errors_are_one_line(string text, string message)
    {
        var e = Assert.Throws<GrooveException>(() => Text(text));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Loading_a_missing_file_or_a_folder_says_so()
    {
        using var dir = new TempDir();
        Assert.Equal($"{dir.File("no.txt")}: no such manifest file", Assert.Throws<GrooveException>(() => TrackManifest.Load(dir.File("no.txt"))).Message);
        Assert.StartsWith($"{dir.Path}: is a folder", Assert.Throws<GrooveException>(() => TrackManifest.Load(dir.Path)).Message);
    }

    [Fact]
    public void A_folder_walk_lists_the_audio_in_ordinal_order_relative_to_the_manifest_and_loads_back()
    {
        using var dir = new TempDir();
        foreach (var f in new[] { "music/b.wav", "music/A.flac", "music/sub/c.mp3", "music/notes.txt", "music/.hidden.wav" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(dir.File(f))!);
            File.WriteAllText(dir.File(f), "");
        }
        var listPath = dir.File("lists/tracks.txt");
        Directory.CreateDirectory(dir.File("lists"));
        File.WriteAllText(listPath, TrackManifest.FromFolder(dir.File("music"), listPath, out int count));
        Assert.Equal(3, count);
        var m = TrackManifest.Load(listPath);
        Assert.Equal(["../music/A.flac", "../music/b.wav", "../music/sub/c.mp3"], m.Paths);
        Assert.Equal(dir.File("music/sub/c.mp3"), m.Resolve(2));
        Assert.Equal($"{dir.File("none")}: no such folder", Assert.Throws<GrooveException>(() => TrackManifest.FromFolder(dir.File("none"), listPath, out _)).Message);
    }
}
