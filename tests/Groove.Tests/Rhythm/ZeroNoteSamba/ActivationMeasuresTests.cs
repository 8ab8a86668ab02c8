using Groove.Rhythm;

namespace Groove.Tests.Rhythm.ZeroNoteSamba;

public class ActivationMeasuresTests
{
    [Fact]
    public void PeakyPeriodicActivationsScoreAsSparseAndPeriodic()
    {
        const double fps = 62.5;
        var pulses = new float[625];
        for (int t = 0; t < pulses.Length; t += 31) pulses[t] = 1; // ~0.5 s period
        var rng = new Groove.Rng(1);
        var noise = new float[625];
        rng.FillUniform(noise, 0.4f, 0.6f);
        var p = ActivationMeasures.Compute(pulses, fps);
        var n = ActivationMeasures.Compute(noise, fps);
        Assert.True(p.L2L1 > n.L2L1);
        Assert.True(p.Gini > n.Gini);
        Assert.True(p.Kurtosis > n.Kurtosis);
        Assert.True(p.Entropy < n.Entropy);
        Assert.True(p.MaxAutocorrelation > 0.9, $"{p.MaxAutocorrelation}");
        Assert.True(n.MaxAutocorrelation < 0.3, $"{n.MaxAutocorrelation}");
    }

    [Fact]
    public void KnownValues()
    {
        var constant = Enumerable.Repeat(0.5f, 100).ToArray();
        var c = ActivationMeasures.Compute(constant, 100);
        Assert.Equal(0.1, c.L2L1, 6);          // √(100·0.25) / 50
        Assert.Equal(0.0, c.Gini, 6);
        Assert.Equal(2 * Math.Log(100), c.Entropy, 6); // c = 1/100 each: −Σ c log c² = −log 10⁻⁴
        var spike = new float[100];
        spike[10] = 1;
        var s = ActivationMeasures.Compute(spike, 100);
        Assert.Equal(1.0, s.L2L1, 6);
        Assert.Equal(0.99, s.Gini, 6);         // (2·100 − 100 − 1) / 100
        Assert.Equal(0.0, s.Entropy, 6);
        Assert.Throws<GrooveException>(() => ActivationMeasures.Compute([1f], 100));
    }
}
