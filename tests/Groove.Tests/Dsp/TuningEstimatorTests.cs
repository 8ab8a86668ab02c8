using Groove.Dsp;

namespace Groove.Tests.Dsp;

public class TuningEstimatorTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(20.0)]
    [InlineData(-30.0)]
    [InlineData(45.0)]
    public void FindsTheDetuningOfAChord(double cents)
    {
        const int sr = 22050;
        var y = ChromagramTests.Chord([55, 60, 64, 67, 72], 3.0, sr, cents);
        double est = TuningEstimator.Estimate(y, sr);
        Assert.InRange(est * 100, cents - 3, cents + 3);
    }

    [Fact]
    public void PitchTuningMatchesLibrosaConventions()
    {
        // A440 exactly: 0; a quarter-tone sharp wraps to the negative side at ≥ 0.5.
        Assert.Equal(0.0, TuningEstimator.PitchTuning([440.0, 880.0, 220.0]), 9);
        Assert.Equal(-0.5, TuningEstimator.PitchTuning([440 * Math.Pow(2, 0.5 / 12)]), 9);
        Assert.Equal(0.1, TuningEstimator.PitchTuning([440 * Math.Pow(2, 0.105 / 12)]), 9);
        Assert.Equal(0.0, TuningEstimator.PitchTuning([]));
    }

    [Fact]
    public void SilenceHasNoTuning()
    {
        Assert.Equal(0.0, TuningEstimator.Estimate(new float[22050], 22050));
    }
}
