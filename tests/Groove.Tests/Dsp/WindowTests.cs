using Groove.Dsp;

namespace Groove.Tests.Dsp;

public class WindowTests
{
    private static readonly WindowKind[] Kinds =
        [WindowKind.Hann, WindowKind.Hamming, WindowKind.Blackman, WindowKind.BlackmanHarris, WindowKind.Rectangular, WindowKind.Bartlett];

    [Theory]
    [InlineData(7)]
    [InlineData(16)]
    public void MatchesScipyGetWindow(int length)
    {
        var reference = DspFixtures.Load($"windows{length}.npy"); // [kind, periodic/symmetric, n]
        for (int k = 0; k < Kinds.Length; k++)
            for (int sym = 0; sym < 2; sym++)
            {
                var w = Window.Create(Kinds[k], length, periodic: sym == 0);
                for (int i = 0; i < length; i++)
                    Assert.True(Math.Abs(w[i] - reference.Data[(k * 2 + sym) * length + i]) < 1e-6,
                        $"{Kinds[k]} periodic={sym == 0} [{i}]: {w[i]} vs {reference.Data[(k * 2 + sym) * length + i]}");
            }
    }

    [Fact]
    public void ParsesScipyNamesAndRejectsOthersInOneLine()
    {
        Assert.Equal(WindowKind.Rectangular, Window.Parse("boxcar"));
        Assert.Equal(WindowKind.Hann, Window.Parse("HANN"));
        var e = Assert.Throws<GrooveException>(() => Window.Parse("kaiser"));
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void PadCenterPutsWindowInTheMiddle()
    {
        var w = Window.PadCenter([1f, 2f], 6);
        Assert.Equal([0f, 0f, 1f, 2f, 0f, 0f], w);
    }
}
