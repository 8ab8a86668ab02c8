using Groove.Nn;
using Groove.Rhythm.ZeroNoteSamba;

namespace Groove.Tests.Rhythm.ZeroNoteSamba;

public class OnsetPhaseAnchorTests
{
    private const int Bins = 96, Frames = 120;

    /// <summary>Two log-VQT windows with note onsets (a jump in the high bins, decaying after) every 30 frames,
    /// the second starting 7 frames later; the low bins rise 5 frames early, as long centred VQT windows do.</summary>
    private static Tensor Windows()
    {
        var x = new float[2 * Bins * Frames];
        Array.Fill(x, -12f);
        for (int w = 0; w < 2; w++)
            for (int onset = 10 + 7 * w; onset < Frames; onset += 30)
                for (int t = onset; t < Math.Min(Frames, onset + 20); t++)
                {
                    for (int b = 50; b < Bins; b++) x[(w * Bins + b) * Frames + t] = -2f - 0.2f * (t - onset);
                    for (int b = 0; b < 20; b++) x[(w * Bins + b) * Frames + t - 5] = -1f;
                }
        return Tensor.From(x, 2, 1, Bins, Frames);
    }

    private static float[] Pulses(int offset, int window)
    {
        var y = new float[Frames];
        for (int onset = 10 + 7 * window + offset; onset < Frames; onset += 30)
            if (onset >= 0) y[onset] = 1;
        for (int t = 0; t < Frames; t++) y[t] += 0.01f; // never exactly zero
        return y;
    }

    [Fact]
    public void EnvelopePeaksAtTheHighBinOnsetsOnly()
    {
        var e = OnsetPhaseAnchor.Envelope(Windows());
        Assert.Equal(2 * Frames, e.Length);
        for (int w = 0; w < 2; w++)
        {
            var row = e.AsSpan(w * Frames, Frames).ToArray();
            var peaks = Enumerable.Range(0, Frames).Where(t => row[t] > 0).ToArray();
            // The jump from the floor (−9, not −12) to −2 in 46 bins; the low bins (below bin 48) do not count.
            Assert.Equal(Enumerable.Range(0, 4).Select(k => 10 + 7 * w + 30 * k).Where(t => t < Frames), peaks);
            Assert.Equal(46 * 7f, row[10 + 7 * w], 3);
        }
    }

    [Fact]
    public void OutputsOnTheOnsetsCostLessThanEarlyOnesAndReportTheLag()
    {
        var e = OnsetPhaseAnchor.Envelope(Windows());
        Tensor Outputs(int offset) => Tensor.From(Pulses(offset, 0).Concat(Pulses(offset, 1)).ToArray(), 2, Frames);
        var (onLoss, onLag) = OnsetPhaseAnchor.Compute(Outputs(0), e);
        var (earlyLoss, earlyLag) = OnsetPhaseAnchor.Compute(Outputs(-6), e);
        var (lateLoss, lateLag) = OnsetPhaseAnchor.Compute(Outputs(4), e);
        Assert.Equal(0f, onLag);
        Assert.Equal(-6f, earlyLag);
        Assert.Equal(4f, lateLag);
        Assert.True(onLoss.Item() < earlyLoss.Item() - 1, $"{onLoss.Item()} vs {earlyLoss.Item()}");
        Assert.True(onLoss.Item() < lateLoss.Item() - 1, $"{onLoss.Item()} vs {lateLoss.Item()}");
    }

    [Fact]
    public void GradientMovesAnEarlyOutputTowardTheOnsets()
    {
        var e = OnsetPhaseAnchor.Envelope(Windows());
        // Output = pulses 3 frames early; one gradient step should raise the values on the onsets and lower the early ones.
        var y = Tensor.From(Pulses(-3, 0).Concat(Pulses(-3, 1)).ToArray(), 2, Frames);
        y.RequiresGrad = true;
        OnsetPhaseAnchor.Compute(y, e).Loss.Backward();
        var g = y.Grad!.ToArray();
        Assert.All(g, v => Assert.True(float.IsFinite(v)));
        Assert.True(g[10] < 0, $"gradient at the onset {g[10]} should be negative (loss falls as the value rises)");
        Assert.True(g[7] > 0, $"gradient at the early pulse {g[7]} should be positive");
    }

    [Fact]
    public void RejectsMismatchedShapes()
    {
        var y = Tensor.Zeros(2, Frames);
        Assert.Throws<ArgumentException>(() => OnsetPhaseAnchor.Compute(y, new float[Frames]));
        Assert.Throws<ArgumentOutOfRangeException>(() => OnsetPhaseAnchor.Compute(y, new float[2 * Frames], maxLag: Frames));
        Assert.Throws<ArgumentException>(() => OnsetPhaseAnchor.Envelope(Tensor.Zeros(2, Frames)));
    }
}
