using Groove.Index;
using Groove.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Groove.Tests.Index;

public class SqliteTrackIndexTests
{
    private static float[] V(params float[] v) => v;

    [Fact]
    public void RoundTripKeepsEveryField()
    {
        using var dir = new TempDir();
        var db = dir.File("lib.db");
        using (var index = SqliteTrackIndex.Open(db))
        {
            index.PutEmbedding("a.wav", "h1", 31.5, "m1", V(1, 2, 3), [V(1, 0, 0), V(0, 1, 0.5f)]);
            index.PutAnalysis("a.wav", "h1", 31.5, tempo: 120.5, key: "A minor", resultsJson: "{\"x\":1}");
        }
        using var reopened = SqliteTrackIndex.Open(db);
        Assert.Equal("m1", reopened.Model);
        Assert.Equal(3, reopened.Dimension);
        var t = reopened.Get("a.wav", withTiles: true)!;
        Assert.Equal(Path.GetFullPath("a.wav"), t.Path);
        Assert.Equal("h1", t.ContentHash);
        Assert.Equal(31.5, t.DurationSeconds);
        Assert.Equal(V(1, 2, 3), t.Vector);
        Assert.Equal(2, t.Tiles!.Count);
        Assert.Equal(V(0, 1, 0.5f), t.Tiles[1]);
        Assert.Equal(120.5, t.Tempo);
        Assert.Equal("A minor", t.Key);
        Assert.Equal("{\"x\":1}", t.ResultsJson);
        Assert.Equal(1, reopened.Count);
    }

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
    public void IsCurrentOnlyForTheSameHashAndModel()
    {
        using var dir = new TempDir();
        using var index = SqliteTrackIndex.Open(dir.File("lib.db"));
        Assert.False(index.IsCurrent("a.wav", "h1"));
        index.PutAnalysis("a.wav", "h1", 10, tempo: 90);
        Assert.True(index.IsCurrent("a.wav", "h1"));
        Assert.False(index.IsCurrent("a.wav", "h1", "m1")); // analysed, not embedded
        index.PutEmbedding("a.wav", "h1", 10, "m1", V(1, 0), []);
        Assert.True(index.IsCurrent("a.wav", "h1", "m1"));
        Assert.False(index.IsCurrent("a.wav", "h2", "m1"));
        Assert.Equal(90, index.Get("a.wav")!.Tempo); // same bytes: the analysis is kept
    }

    [Fact]
    public void ChangedContentClearsWhatWasComputedFromTheOldBytes()
    {
        using var dir = new TempDir();
        using var index = SqliteTrackIndex.Open(dir.File("lib.db"));
        index.PutEmbedding("a.wav", "h1", 10, "m1", V(1, 0), [V(1, 0)]);
        index.PutAnalysis("a.wav", "h1", 10, tempo: 90, key: "C major");
        index.PutAnalysis("a.wav", "h2", 12, tempo: 100);
        var t = index.Get("a.wav", withTiles: true)!;
        Assert.Equal("h2", t.ContentHash);
        Assert.Null(t.Vector);
        Assert.Empty(t.Tiles!);
        Assert.Null(t.Key);
        Assert.Equal(100, t.Tempo);
    }

    [Fact]
    public void ModelMismatchIsAClearError()
    {
        using var dir = new TempDir();
        using var index = SqliteTrackIndex.Open(dir.File("lib.db"));
        index.PutEmbedding("a.wav", "h1", 10, "mfcc", V(1, 0), []);
        var e = Assert.Throws<GrooveException>(() => index.PutEmbedding("b.wav", "h2", 10, "tile2vec", V(1, 0), []));
        Assert.Contains("'mfcc'", e.Message);
        Assert.Contains("'tile2vec'", e.Message);
        Assert.Throws<GrooveException>(() => index.RequireModel("mfcc", 3)); // same name, other length
        index.RequireModel("mfcc", 2);
        Assert.Null(index.Get("b.wav"));
    }

    [Fact]
    public void AFailureInsideAWriteRollsBackTheWholeTrack()
    {
        using var dir = new TempDir();
        using var index = SqliteTrackIndex.Open(dir.File("lib.db"));
        index.PutEmbedding("a.wav", "h1", 10, "m", V(1, 0), [V(1, 0), V(0, 1)]);
        // The third tile is malformed: the row update and the first two tile inserts happen, then the write fails.
        Assert.Throws<ArgumentException>(() => index.PutEmbedding("a.wav", "h2", 20, "m", V(0, 1), [V(0, 1), V(1, 1), V(1, 2, 3)]));
        Assert.Throws<ArgumentException>(() => index.PutEmbedding("new.wav", "h3", 5, "m", V(0, 1), [V(0, 1), V(1)]));
        var t = index.Get("a.wav", withTiles: true)!;
        Assert.Equal("h1", t.ContentHash);
        Assert.Equal(10, t.DurationSeconds);
        Assert.Equal(V(1, 0), t.Vector);
        Assert.Equal(2, t.Tiles!.Count);
        Assert.Null(index.Get("new.wav"));
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void RemoveDeletesTrackAndTiles()
    {
        using var dir = new TempDir();
        using var index = SqliteTrackIndex.Open(dir.File("lib.db"));
        index.PutEmbedding("a.wav", "h1", 10, "m", V(1, 0), [V(1, 0)]);
        Assert.True(index.Remove("a.wav"));
        Assert.False(index.Remove("a.wav"));
        Assert.Equal(0, index.Count);
        index.PutEmbedding("a.wav", "h1", 10, "m", V(1, 0), []);
        Assert.Empty(index.Get("a.wav", withTiles: true)!.Tiles!);
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
    public void LoadSearchHoldsEveryEmbeddedTrack()
    {
        using var dir = new TempDir();
        using var index = SqliteTrackIndex.Open(dir.File("lib.db"));
        index.PutEmbedding("a.wav", "h1", 10, "m", V(1, 0), []);
        index.PutEmbedding("b.wav", "h2", 10, "m", V(0, 2), []);
        index.PutAnalysis("c.wav", "h3", 10, tempo: 80); // no vector: not searchable
        var s = index.LoadSearch();
        Assert.Equal(2, s.Count);
        var hits = s.TopK(V(0.1f, 1), 5);
        Assert.Equal(Path.GetFullPath("b.wav"), hits[0].Id);
        Assert.Equal(2, hits.Count);
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
