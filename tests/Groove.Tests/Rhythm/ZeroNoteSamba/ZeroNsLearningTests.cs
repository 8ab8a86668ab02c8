using Groove.Nn;
using Groove.Rhythm.ZeroNoteSamba;

namespace Groove.Tests.Rhythm.ZeroNoteSamba;

public class ZeroNsLearningTests
{
    /// <summary>
    /// The pretext task alone (no labels) on clicks + a tone changing on the clicks: the contrastive loss falls and the
    /// combined activation is higher at the clicks than between them.
    /// </summary>
    [Fact]
    public void PretextTrainingLowersTheLossAndPeaksAtClicks()
    {
        var fe = new ZeroNsFrontEnd();
        var rng = new Rng(3);
        var excerpts = new List<(float[] P, float[] N, int Frames, double Period, double Phase)>();
        for (int e = 0; e < 6; e++)
        {
            double period = 0.4 + 0.3 * rng.NextDouble(), phase = rng.NextDouble() * period;
            var (p, n) = fe.Features(ZeroNsSynthetic.Parts(4, period, phase, rng), out int frames);
            excerpts.Add((p, n, frames, period, phase));
        }
        var net = new SyncPredNet(ZeroNsSynthetic.Tiny, new Rng(1));
        var opt = new Adam(net, 3e-3f);
        const int windows = 8, length = 96, steps = 60;
        var losses = new List<float>();
        for (int s = 0; s < steps; s++)
        {
            var e = excerpts[rng.NextInt(excerpts.Count)];
            var starts = Enumerable.Range(0, windows).Select(_ => rng.NextInt(e.Frames - length)).ToArray();
            opt.ZeroGrad();
            var r = SynchronyContrastiveLoss.Compute(net.NonPercussive.Forward(ZeroNsSynthetic.Windows(e.N, e.Frames, starts, length)),
                net.Percussive.Forward(ZeroNsSynthetic.Windows(e.P, e.Frames, starts, length)));
            r.Loss.Backward();
            opt.Step();
            losses.Add(r.Loss.Item());
        }
        double first = losses.Take(10).Average(), last = losses.Skip(steps - 10).Average();
        Assert.True(last < first - 0.5, $"loss {first:F3} → {last:F3}");

        var x = excerpts[0];
        var act = new ZeroNsModel(net).Activation(x.P, x.N, x.Frames);
        double on = 0, off = 0;
        int non = 0, noff = 0;
        for (int t = 0; t < x.Frames; t++)
        {
            double rel = ((t / ZeroNsFrontEnd.FrameRate - x.Phase) % x.Period + x.Period) % x.Period;
            if (rel < 0.03 || rel > x.Period - 0.03) { on += act[t]; non++; } else { off += act[t]; noff++; }
        }
        Assert.True(on / non > 2 * (off / noff), $"activation at clicks {on / non:F4}, between {off / noff:F4}");
    }
}
