using Groove.Corpus;
using Groove.Tests.Support;

namespace Groove.Tests.Corpus;

public sealed class AptDebSourceTests
{
    [Fact]
    public void Finds_the_newest_deb_of_the_package_and_deletes_it_only_from_a_scratch_folder()
    {
        using var tmp = new TempDir();
        var dir = Directory.CreateDirectory(tmp.File("debs")).FullName;
        foreach (var name in new[] { "foo_1.0_all.deb", "foo-data_9.0_all.deb", "foo_2.0_all.deb" })
            File.WriteAllText(Path.Combine(dir, name), name);
        File.SetLastWriteTimeUtc(Path.Combine(dir, "foo_1.0_all.deb"), DateTime.UtcNow.AddDays(-1));

        var kept = new AptDebSource(dir, keepDownloads: true, download: false);
        var deb = kept.Fetch("foo", default);
        Assert.Equal(Path.Combine(dir, "foo_2.0_all.deb"), deb);
        kept.Release("foo", deb);
        Assert.True(File.Exists(deb));

        var scratch = new AptDebSource(dir, keepDownloads: false, download: false);
        Assert.Equal(Path.Combine(dir, "foo-data_9.0_all.deb"), scratch.Fetch("foo-data", default));
        scratch.Release("foo", deb);
        Assert.False(File.Exists(deb));
        Assert.True(File.Exists(Path.Combine(dir, "foo-data_9.0_all.deb")));

        var e = Assert.Throws<GrooveException>(() => scratch.Fetch("bar", default));
        Assert.Equal($"bar: no bar_*.deb in {dir}", e.Message);
    }
}
