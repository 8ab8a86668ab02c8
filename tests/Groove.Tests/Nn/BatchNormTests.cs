using Groove.Nn;
using F = Groove.Nn.Functional;

namespace Groove.Tests.Nn;

/// <summary>Batch normalisation large enough to run its rows on several cores (above the slab threshold), with one
/// channel (fewer channels than cores) and with several, against the definition in double.</summary>
public class BatchNormTests
{
    [Theory]
    [InlineData(6, 1, 170, 130)]   // one channel (Tile2Vec's input BatchNorm): rows of samples spread over the cores
    [InlineData(4, 3, 100, 120)]
    public void TrainingForwardBackwardAndRunningStatsMatchTheDefinition(int n, int c, int h, int w)
    {
        const float eps = 1e-5f, momentum = 0.1f;
        int l = h * w, m = n * l;
        var rng = new Rng(5);
        var x = Tensor.Randn(rng, n, c, h, w) * 2f + 3f; // a mean away from 0
        var weight = Tensor.Randn(rng, c); var bias = Tensor.Randn(rng, c);
        var g = Tensor.Randn(rng, n, c, h, w);
        x.RequiresGrad = true; weight.RequiresGrad = true; bias.RequiresGrad = true;
        var rm = Tensor.Zeros(c); var rv = Tensor.Full(1f, c);
        var y = F.BatchNorm(x, rm, rv, weight, bias, training: true, momentum, eps);
        (y * g).Sum().Backward();
        float[] xs = x.ToArray(), gs = g.ToArray(), ys = y.ToArray(), ws = weight.ToArray(), bs = bias.ToArray();
        float[] gx = x.Grad!.ToArray(), gw = weight.Grad!.ToArray(), gb = bias.Grad!.ToArray();
        for (int ch = 0; ch < c; ch++)
        {
            double s = 0, ss = 0;
            for (int b = 0; b < n; b++) for (int i = 0; i < l; i++) s += xs[(b * c + ch) * l + i];
            double mean = s / m;
            for (int b = 0; b < n; b++) for (int i = 0; i < l; i++) { double d = xs[(b * c + ch) * l + i] - mean; ss += d * d; }
            double var = ss / m, rstd = 1 / Math.Sqrt(var + eps);
            double sg = 0, sgh = 0;
            for (int b = 0; b < n; b++)
                for (int i = 0; i < l; i++)
                {
                    int o = (b * c + ch) * l + i;
                    sg += gs[o]; sgh += gs[o] * (xs[o] - mean) * rstd;
                }
            Assert.True(Math.Abs(gb[ch] - sg) <= 1e-3 * (1 + Math.Abs(sg)), $"gb[{ch}] {gb[ch]} vs {sg}");
            Assert.True(Math.Abs(gw[ch] - sgh) <= 1e-3 * (1 + Math.Abs(sgh)), $"gw[{ch}] {gw[ch]} vs {sgh}");
            Assert.Equal(momentum * mean, rm.ToArray()[ch], 4);
            Assert.Equal(1 - momentum + momentum * ss / (m - 1), rv.ToArray()[ch], 3);
            for (int b = 0; b < n; b++)
                for (int i = 0; i < l; i++)
                {
                    int o = (b * c + ch) * l + i;
                    double xh = (xs[o] - mean) * rstd;
                    double ey = xh * ws[ch] + bs[ch];
                    double egx = ws[ch] * rstd / m * (m * gs[o] - sg - xh * sgh);
                    if (!(Math.Abs(ys[o] - ey) <= 1e-4 * (1 + Math.Abs(ey)))) Assert.Fail($"y[{o}] = {ys[o]}, expected {ey}");
                    if (!(Math.Abs(gx[o] - egx) <= 1e-4 * (1 + Math.Abs(egx)))) Assert.Fail($"gx[{o}] = {gx[o]}, expected {egx}");
                }
        }
    }
}
