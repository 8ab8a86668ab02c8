using Groove.Index;

namespace Groove.Tests.Index;

/// <summary>
/// What every <see cref="ITrackIndex"/> backend must do, run once per backend (<see cref="SqliteTrackIndexTests"/>,
/// <see cref="PostgresTrackIndexTests"/>): each test opens the same fresh index as often as it likes.
/// </summary>
public abstract class TrackIndexContract
{
    private protected static float[] V(params float[] v) => v;

    /// <summary>Opens (again) this test's index, empty at the test's start.</summary>
    private protected abstract ITrackIndex Open();

    [Fact]
    public void RoundTripKeepsEveryField()
    {
        using (var index = Open())
        {
            index.PutEmbedding("a.wav", "h1", 31.5, "m1", V(1, 2, 3), [V(1, 0, 0), V(0, 1, 0.5f)]);
            index.PutAnalysis("a.wav", "h1", 31.5, tempo: 120.5, key: "A minor", resultsJson: "{\"x\":1}");
        }
        using var reopened = Open();
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
    public void IsCurrentOnlyForTheSameHashAndModel()
    {
        using var index = Open();
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
        using var index = Open();
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
        using var index = Open();
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
        using var index = Open();
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
        using var index = Open();
        index.PutEmbedding("a.wav", "h1", 10, "m", V(1, 0), [V(1, 0)]);
        Assert.True(index.Remove("a.wav"));
        Assert.False(index.Remove("a.wav"));
        Assert.Equal(0, index.Count);
        index.PutEmbedding("a.wav", "h1", 10, "m", V(1, 0), []);
        Assert.Empty(index.Get("a.wav", withTiles: true)!.Tiles!);
    }

    [Fact]
    public void LoadSearchHoldsEveryEmbeddedTrack()
    {
        using var index = Open();
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
    public void AnotherConnectionSeesEachCommittedTrackAndTheModel()
    {
        using var writer = Open();
        using var reader = Open();
        Assert.Null(reader.Model);
        writer.PutEmbedding("a.wav", "h1", 10, "m", V(1, 0), [V(1, 0)]);
        Assert.Equal(1, reader.Count);
        Assert.Throws<GrooveException>(() => reader.RequireModel("other", 2)); // reads the model the writer fixed
        Assert.Throws<GrooveException>(() => reader.PutEmbedding("b.wav", "h2", 10, "other", V(1, 0), []));
        Assert.Equal(V(1, 0), reader.Get("a.wav", withTiles: true)!.Tiles![0]);
    }

    [Fact]
    public void ConcurrentWritersKeepEveryTrackWhole()
    {
        // Four connections write the same 40 paths at once (each a transaction): none is lost, none is half-written.
        const int tracks = 40;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, w =>
        {
            using var index = Open();
            for (int i = 0; i < tracks; i++)
            {
                int t = (i + w * 10) % tracks;
                index.PutEmbedding($"t{t}.wav", $"h{t}", t, "m", V(t, 1), [V(t, 1), V(1, t)]);
            }
        });
        using var check = Open();
        Assert.Equal(tracks, check.Count);
        foreach (var t in check.List())
        {
            var whole = check.Get(t.Path, withTiles: true)!;
            int n = (int)whole.DurationSeconds;
            Assert.Equal(V(n, 1), whole.Vector);
            Assert.Equal(2, whole.Tiles!.Count);
            Assert.Equal(V(1, n), whole.Tiles[1]);
        }
    }
}
