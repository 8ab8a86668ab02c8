using Groove.Dsp;
using Groove.Rhythm;

using Groove.Tests.Support;

namespace Groove.Tests.Rhythm;

public class TempoEstimatorTests
{
    [Theory]
    [InlineData(90.0)]
    [InlineData(128.0)]
    public void FindsTheTempoOfAClickTrackAndItsOctave(double bpm)
    {
        var env = new SuperFluxOnsetStrength().Compute(Signals.ClickTrack(bpm, 20), 22050);
        var t = TempoEstimator.Estimate(env.Values, env.FramesPerSecond);
        Assert.InRange(t.Bpm, bpm * 0.98, bpm * 1.02);
        Assert.InRange(t.Confidence, 0, 1);
        Assert.True(t.Pair.Slow < t.Pair.Fast);
        Assert.True(Math.Abs(t.Pair.Slow - bpm) < 2 || Math.Abs(t.Pair.Fast - bpm) < 2);
        Assert.NotEmpty(t.LocalBpm);
        Assert.True(t.LocalBpm.Count(v => Math.Abs(v - bpm) < 0.04 * bpm) > t.LocalBpm.Length / 2);
    }

    [Fact]
    public void FlatOrShortEnvelopesGiveNoTempo()
    {
        Assert.Equal(0, TempoEstimator.Estimate(new float[1000], 100).Bpm);
        Assert.Equal(0, TempoEstimator.Estimate(new float[5], 100).Bpm);
    }
}
