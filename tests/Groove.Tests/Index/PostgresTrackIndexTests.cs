using Groove.Index;
using Groove.Tests.Support;

namespace Groove.Tests.Index;

/// <summary>The index contract on a real PostgreSQL server (<see cref="PostgresServer"/>), and what only this backend has.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresTrackIndexTests(PostgresServer server) : TrackIndexContract
{
    private readonly string _url = server.NewDatabase();

    private protected override ITrackIndex Open() => PostgresTrackIndex.Open(_url);

    [Fact]
    public void TheTablesAreTheSqliteSchema()
    {
        using (var index = Open()) index.PutEmbedding("a.wav", "h1", 1, "m", V(1, 2), [V(3, 4)]);
        var db = PostgresServer.DatabaseOf(_url);
        Assert.Equal("meta|tiles|tracks", server.Psql(db, "SELECT string_agg(table_name, '|' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public'"));
        // Vectors are float32 little-endian blobs, as in the SQLite file: 1.0f = 00 00 80 3f.
        Assert.Equal(@"\x0000803f00000040", server.Psql(db, "SELECT vector FROM tracks"));
        Assert.Equal("1", server.Psql(db, "SELECT value FROM meta WHERE key = 'schema_version'"));
    }

    [Fact]
    public void ConnectionStringFormWorksAndLocationNeverShowsThePassword()
    {
        var cs = $"Host={server.SocketFolder};Port={server.SocketPort};Username=postgres;Password=secret;Database={PostgresServer.DatabaseOf(_url)}";
        using var index = PostgresTrackIndex.Open(cs);
        index.PutAnalysis("a.wav", "h", 1, tempo: 100);
        Assert.DoesNotContain("secret", index.Location);
        using var again = Open();
        Assert.Equal(100, again.Get("a.wav")!.Tempo);
    }

    [Fact]
    public void UnreachableServerMissingDatabaseAndBadUrlsAreOneLineErrors()
    {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        var refused = Assert.Throws<GrooveException>(() => PostgresTrackIndex.Open("postgres://me:secret@127.0.0.1:1/lib"));
        Assert.Contains("cannot open the PostgreSQL index", refused.Message);
        Assert.DoesNotContain("secret", refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
        var missing = Assert.Throws<GrooveException>(() => PostgresTrackIndex.Open(server.Url("no_such_db")));
        Assert.Contains("no_such_db", missing.Message);
        Assert.DoesNotContain('\n', missing.Message);
        foreach (var bad in new[] { "postgres://u@host:notaport/db", "postgres://u@host/db?colour=red", "postgres://u@host", "postgres://u:pw@host/db?sslmode=maybe" })
        {
            var e = Assert.Throws<GrooveException>(() => PostgresTrackIndex.Open(bad));
            Assert.DoesNotContain('\n', e.Message);
            Assert.DoesNotContain(":pw@", e.Message);
        }
    }

    [Fact]
    public void AnotherSchemaVersionIsRefused()
    {
        using (Open()) { }
        server.Psql(PostgresServer.DatabaseOf(_url), "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
        var e = Assert.Throws<GrooveException>(Open);
        Assert.Contains("schema version 99", e.Message);
    }

    [Fact]
    public void ANamedLockIsHeldByOneClientUntilReleased()
    {
        using var a = PostgresTrackIndex.Open(_url);
        using var b = PostgresTrackIndex.Open(_url);
        var held = a.TryLock("shard-0-of-2");
        Assert.NotNull(held);
        Assert.Null(b.TryLock("shard-0-of-2"));
        using (var other = b.TryLock("shard-1-of-2")) Assert.NotNull(other);
        held.Dispose();
        using var taken = b.TryLock("shard-0-of-2");
        Assert.NotNull(taken);
    }
}
