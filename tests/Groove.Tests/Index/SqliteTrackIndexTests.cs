using Groove.Index;
using Groove.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Groove.Tests.Index;

/// <summary>The index contract on an SQLite file, and what only the file backend has (WAL, a file that is not an index).</summary>
public sealed class SqliteTrackIndexTests : TrackIndexContract, IDisposable
{
    private readonly TempDir _dir = new();

    private protected override ITrackIndex Open() => SqliteTrackIndex.Open(_dir.File("lib.db"));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void FileIsInWalMode()
    {
        using var dir = new TempDir();
        var db = dir.File("lib.db");
        using (SqliteTrackIndex.Open(db)) { }
        using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar() as string);
    }

    [Fact]
    public void NotAnIndexIsAClearError()
    {
        using var dir = new TempDir();
        var bad = dir.File("bad.db");
        File.WriteAllText(bad, "this is not a database, just text that is long enough to fill a header page .......................");
        var e = Assert.Throws<GrooveException>(() => SqliteTrackIndex.Open(bad));
        Assert.Contains("not a Groove index", e.Message);
        Assert.Throws<GrooveException>(() => SqliteTrackIndex.Open(dir.File("missing/lib.db")));
    }

    [Fact]
    public void ContentHashChangesWithTheBytes()
    {
        using var dir = new TempDir();
        var f = dir.File("x.bin");
        File.WriteAllBytes(f, [1, 2, 3]);
        var h1 = ContentHash.Of(f);
        Assert.Equal("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", h1); // sha256 of 01 02 03
        File.WriteAllBytes(f, [1, 2, 4]);
        Assert.NotEqual(h1, ContentHash.Of(f));
        Assert.Throws<GrooveException>(() => ContentHash.Of(dir.File("missing")));
    }
}
