using Groove.Audio;

namespace Groove.Tests.Audio;

public class FloatAccumulatorTests
{
    [Theory]
    [InlineData(0, 3_000_000)]          // no guess: 1 Mi chunks
    [InlineData(3_000_000, 3_000_000)]  // exact guess: one array, no copy
    [InlineData(2_999_000, 3_000_000)]  // guess too small
    [InlineData(3_500_000, 3_000_000)]  // guess too large
    public void KeepsEverySampleInOrderWhateverTheGuess(long guess, int count)
    {
        var acc = new FloatAccumulator(guess);
        var rng = new Random(3);
        int written = 0;
        while (written < count)
        {
            int k = Math.Min(count - written, rng.Next(1, 70_000));
            var block = new float[k];
            for (int i = 0; i < k; i++) block[i] = written + i;
            acc.Append(block);
            written += k;
        }
        Assert.Equal(count, acc.Count);
        var all = acc.ToArrayAndClear();
        Assert.Equal(count, all.Length);
        for (int i = 0; i < count; i += 9973) Assert.Equal((float)i, all[i]);
        Assert.Equal((float)(count - 1), all[^1]);
        Assert.Equal(0, acc.Count);
    }
}
