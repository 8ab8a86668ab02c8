using Groove.IO;

namespace Groove.Tests.IO;

public class ShardTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(3, 4)]
    [InlineData(10, 4)]
    [InlineData(1001, 7)]
    [InlineData(64, 64)]
    [InlineData(5, 9)]
    public void The_shards_of_a_manifest_are_disjoint_and_cover_every_track(int tracks, int shards)
    {
        var owner = new int[tracks];
        Array.Fill(owner, -1);
        for (int i = 0; i < shards; i++)
        {
            var shard = new Shard(i, shards);
            var mine = shard.Positions(tracks).ToList();
            Assert.Equal(shard.SizeOf(tracks), mine.Count);
            Assert.Equal(mine.Order(), mine);                           // in manifest order
            foreach (var p in mine)
            {
                Assert.True(shard.Contains(p));
                Assert.Equal(-1, owner[p]);                              // no track in two shards
                owner[p] = i;
            }
        }
        Assert.DoesNotContain(-1, owner);                                // every track in one
        // Balanced: sizes differ by at most one.
        var sizes = Enumerable.Range(0, shards).Select(i => new Shard(i, shards).SizeOf(tracks)).ToList();
        Assert.True(sizes.Max() - sizes.Min() <= 1);
    }

    [Theory]
    [InlineData("0/4", 0, 4)]
    [InlineData("3/4", 3, 4)]
    [InlineData(" 2 / 8 ", 2, 8)]
    [InlineData("0/1", 0, 1)]
    public void Parses_i_of_n(string text, int index, int count)
    {
        Assert.Equal(new Shard(index, count), Shard.Parse(text));
        Assert.Equal($"{index}/{count}", Shard.Parse(text).ToString());
    }

    [Theory]
    [InlineData("4/4", "must be below 4")]
    [InlineData("1/0", "at least 1")]
    [InlineData("-1/4", "expected i/n")]
    [InlineData("1", "expected i/n")]
    [InlineData("a/b", "expected i/n")]
    [InlineData("1/2/3", "expected i/n")]
    [InlineData("", "expected i/n")]
    public void Rejects_anything_else_in_one_line(string text, string says)
    {
        var e = Assert.Throws<GrooveException>(() => Shard.Parse(text));
        Assert.Contains(says, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
