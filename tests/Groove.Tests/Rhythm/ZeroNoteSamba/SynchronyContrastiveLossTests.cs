using Groove.Nn;
using Groove.Rhythm.ZeroNoteSamba;

namespace Groove.Tests.Rhythm.ZeroNoteSamba;

public class SynchronyContrastiveLossTests
{
    [Fact]
    public void MatchesTheDefinitionOnASmallExample()
    {
        float[] a = [1, 0, 0.5f, 0.2f, 1, 0, 0, 0.3f, 1];
        float[] p = [0.9f, 0.1f, 0.4f, 0, 1, 0.2f, 0.5f, 0.5f, 0.5f];
        var r = SynchronyContrastiveLoss.Compute(Tensor.From(a, 3, 3), Tensor.From(p, 3, 3), 0.25f);
        double Cos(int i, int j)
        {
            double d = 0, na = 0, np = 0;
            for (int k = 0; k < 3; k++) { d += a[i * 3 + k] * p[j * 3 + k]; na += a[i * 3 + k] * a[i * 3 + k]; np += p[j * 3 + k] * p[j * 3 + k]; }
            return d / Math.Sqrt(na * np);
        }
        double loss = 0, pos = 0, neg = 0;
        for (int i = 0; i < 3; i++)
        {
            double den = 0;
            for (int j = 0; j < 3; j++) { den += Math.Exp(Cos(i, j) / 0.25); if (j != i) neg += Cos(i, j); }
            loss -= Math.Log(Math.Exp(Cos(i, i) / 0.25) / den);
            pos += Cos(i, i);
        }
        // float32 softmax of values up to 4: agreement to ~1e-6 relative.
        Assert.Equal(loss / 3, r.Loss.Item(), 4);
        Assert.Equal(pos / 3, r.PositiveCosine, 4);
        Assert.Equal(neg / 6, r.NegativeCosine, 4);
    }

    [Fact]
    public void AlignedPairsCostLessThanShuffledOnes()
    {
        var rng = new Rng(1);
        var x = Tensor.Uniform(rng, 0, 1, 8, 50);
        var noisy = x + Tensor.Uniform(rng, 0, 0.05f, 8, 50);
        var aligned = SynchronyContrastiveLoss.Compute(x, noisy);
        var shifted = SynchronyContrastiveLoss.Compute(x, Tensor.Concat([noisy.Narrow(0, 1, 7), noisy.Narrow(0, 0, 1)], 0));
        Assert.True(aligned.Loss.Item() < shifted.Loss.Item());
        Assert.True(aligned.PositiveCosine > aligned.NegativeCosine);
        Assert.Throws<ArgumentException>(() => SynchronyContrastiveLoss.Compute(x.Narrow(0, 0, 1), x.Narrow(0, 0, 1)));
    }
}
