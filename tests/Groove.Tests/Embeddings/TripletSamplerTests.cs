using Groove.Audio;
using Groove.Embeddings;
using Groove.Tests.Support;
using Groove.Training.Tile2Vec;

namespace Groove.Tests.Embeddings;

/// <summary>The harder negatives of <see cref="TripletSampler"/>: far in the anchor's own file, or from its group.</summary>
public class TripletSamplerTests
{
    private const int Tile = 500;

    /// <summary>A sampler of files of the given frame counts and groups; each file's log-mel is filled with its index.</summary>
    private static TripletSampler Sampler(double sameFile, double sameGroup, params (int Frames, string? Group)[] files)
    {
        var s = new TripletSampler(maxFrames: 3000, neighbourFrames: 200, sameFileFraction: sameFile, sameGroupFraction: sameGroup);
        for (int f = 0; f < files.Length; f++)
        {
            var lm = new float[files[f].Frames * LogMelTiles.Mels];
            Array.Fill(lm, f);
            Assert.True(s.Add($"f{f}", lm, files[f].Group));
        }
        return s;
    }

    [Fact]
    public void SameFileNegativesLieFarFromTheAnchorOnBothSides()
    {
        // f0 is long enough for far tiles; f1 (900 frames) is not: far = 200 + 500 frames, and its last start is 400.
        var s = Sampler(1, 0, (3000, null), (900, null));
        Assert.Equal(700, s.FarFrames);
        var rng = new Rng(11);
        int before = 0, after = 0, fallbacks = 0;
        for (int i = 0; i < 2000; i++)
        {
            var t = s.Sample(rng);
            if (t.AnchorFile == 1) { Assert.Equal(0, t.DistantFile); fallbacks++; continue; }
            if (t.DistantFile != 0) { Assert.InRange(t.AnchorStart, 3000 - Tile - 699, 699); continue; } // no far tile on either side
            Assert.InRange(t.DistantStart, 0, 3000 - Tile);
            Assert.True(Math.Abs(t.DistantStart - t.AnchorStart) >= s.FarFrames, $"distant tile at {t.DistantStart}, anchor at {t.AnchorStart}");
            if (t.DistantStart < t.AnchorStart) before++; else after++;
        }
        Assert.True(before > 300 && after > 300, $"far tiles before the anchor {before}, after {after}");
        Assert.True(fallbacks > 0);
    }

    [Fact]
    public void SameGroupNegativesComeFromAnotherFileOfTheGroup()
    {
        var s = Sampler(0, 1, (600, "a"), (600, "a"), (600, "a"), (600, "b"), (600, null));
        var rng = new Rng(12);
        var mates = new HashSet<(int, int)>();
        for (int i = 0; i < 2000; i++)
        {
            var t = s.Sample(rng);
            Assert.NotEqual(t.AnchorFile, t.DistantFile);
            if (t.AnchorFile < 3)
            {
                Assert.InRange(t.DistantFile, 0, 2);
                mates.Add((t.AnchorFile, t.DistantFile));
            }
        }
        Assert.Equal(6, mates.Count); // every ordered pair of groupmates is drawn
    }

    [Fact]
    public void GroupPositivesPairAnAnchorWithAGroupmateAndADistantTileFromAnotherGroup()
    {
        var s = new TripletSampler(maxFrames: 3000, neighbourFrames: 200, groupPositiveFraction: 0.5);
        (int Frames, string? Group)[] files = [(600, "a"), (800, "a"), (700, "a"), (600, "b"), (900, "b"), (600, null)];
        for (int f = 0; f < files.Length; f++)
        {
            var lm = new float[files[f].Frames * LogMelTiles.Mels];
            Array.Fill(lm, f);
            Assert.True(s.Add($"f{f}", lm, files[f].Group));
        }
        int Group(int f) => f < 3 ? 0 : f < 5 ? 1 : 2;
        var rng = new Rng(14);
        int friends = 0, n = 4000;
        var pairs = new HashSet<(int, int)>();
        for (int i = 0; i < n; i++)
        {
            var t = s.Sample(rng);
            Assert.InRange(t.NeighbourStart, 0, files[t.NeighbourFile].Frames - Tile);
            Assert.InRange(t.DistantStart, 0, files[t.DistantFile].Frames - Tile);
            Assert.NotEqual(t.AnchorFile, t.DistantFile);
            if (t.NeighbourFile == t.AnchorFile)
            {
                Assert.InRange(t.NeighbourStart - t.AnchorStart, -200, 200);   // the plain temporal neighbour
                continue;
            }
            friends++;
            Assert.Equal(Group(t.AnchorFile), Group(t.NeighbourFile));
            Assert.NotEqual(Group(t.AnchorFile), Group(t.DistantFile));
            pairs.Add((t.AnchorFile, t.NeighbourFile));
        }
        // Half the anchors ask for a groupmate; the one file alone in its group (1/6 of anchors) cannot have one.
        Assert.InRange(friends / (double)n, 0.5 * 5 / 6 - 0.04, 0.5 * 5 / 6 + 0.04);
        Assert.Equal(6 + 2, pairs.Count);   // every ordered pair of groupmates: 3·2 in "a", 2·1 in "b"
        // The tile of a group positive is the groupmate's, not the anchor's.
        var one = new TileTriplet(0, 0, 1, 100, 3, 0);
        var batch = s.Batch([one]).ToArray();
        int size = LogMelTiles.Mels * Tile;
        Assert.Equal([0f, 1f, 3f], new[] { batch[0], batch[size], batch[2 * size] });
        Assert.Throws<GrooveException>(() => new TripletSampler(groupPositiveFraction: 1.5));
        Assert.Throws<GrooveException>(() => new TripletSampler(sameGroupFraction: 0.2, groupPositiveFraction: 0.2));
    }

    [Fact]
    public void MixedSharesAreDrawnInProportionAndWrongSharesRefused()
    {
        var s = Sampler(0.3, 0.3, (3000, "a"), (3000, "a"), (3000, "b"), (3000, "b"), (3000, "c"), (3000, "c"));
        var rng = new Rng(13);
        int sameFile = 0, sameGroup = 0, n = 6000;
        for (int i = 0; i < n; i++)
        {
            var t = s.Sample(rng);
            if (t.DistantFile == t.AnchorFile) sameFile++;
            else if (t.DistantFile / 2 == t.AnchorFile / 2) sameGroup++;
        }
        // Far tiles exist for most anchors here (3000 frames), so the same-file share is a little under 0.3 (the rest
        // fall back to groupmates); groupmates are 0.3 plus those, plus the random other file that happens to be one.
        Assert.InRange(sameFile / (double)n, 0.2, 0.3);
        Assert.InRange(sameGroup / (double)n, 0.3, 0.45);
        Assert.Throws<GrooveException>(() => new TripletSampler(sameFileFraction: 0.7, sameGroupFraction: 0.4));
        Assert.Throws<GrooveException>(() => new TripletSampler(sameFileFraction: -0.1));
    }

    [Fact]
    public void TheCorpusIsGroupedByFolder()
    {
        using var dir = new TempDir();
        var files = new List<string>();
        foreach (var folder in new[] { "pkg-a", "pkg-b" })
            for (int i = 0; i < 2; i++)
            {
                var path = Path.Combine(Directory.CreateDirectory(dir.File(folder)).FullName, $"{folder}-{i}.wav");
                WavWriter.Write(path, AudioBuffer.FromMono(Signals.Sine(300 + 100 * i, 16000, 16000 * 6), 16000));
                files.Add(path);
            }
        var train = new TripletSampler(maxFrames: 600, neighbourFrames: 50, sameGroupFraction: 1);
        var validation = new TripletSampler(maxFrames: 600);
        Assert.Equal(0, Tile2VecTrainer.LoadCorpus(files, train, validation, validationPercent: 0, null, null, CancellationToken.None));
        Assert.Equal(4, train.Count);
        var rng = new Rng(14);
        for (int i = 0; i < 200; i++)
        {
            var t = train.Sample(rng);
            Assert.Equal(t.AnchorFile / 2, t.DistantFile / 2); // files are added in order: 0,1 in pkg-a; 2,3 in pkg-b
            Assert.NotEqual(t.AnchorFile, t.DistantFile);
        }
    }
}
