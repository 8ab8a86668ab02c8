using Groove.Rhythm;

namespace Groove.Tests.Rhythm;

public class DbnDownbeatDecoderTests
{
    /// <summary>Synthetic activation at 100 fps: a beat every <paramref name="period"/> frames, every <paramref name="meter"/>-th a downbeat.</summary>
    private static float[] Activation(int frames, int period, int meter, int offset, Random rng)
    {
        var act = new float[frames * 2];
        for (int t = 0; t < frames; t++) { act[2 * t] = (float)(0.02 * rng.NextDouble()); act[2 * t + 1] = (float)(0.02 * rng.NextDouble()); }
        for (int k = 0, t = offset; t < frames; k++, t += period)
        {
            bool down = k % meter == 0;
            // A peak a few frames wide, as networks produce.
            foreach (var (dt, v) in new[] { (-1, 0.3f), (0, 0.8f), (1, 0.3f), (2, 0.1f) })
            {
                if (t + dt < 0 || t + dt >= frames) continue;
                act[2 * (t + dt) + (down ? 1 : 0)] = v;
                act[2 * (t + dt) + (down ? 0 : 1)] = v / 8;
            }
        }
        return act;
    }

    [Theory]
    [InlineData(4, 50, 12)]
    [InlineData(3, 60, 30)]
    public void FindsBeatsDownbeatsAndMeter(int meter, int period, int offset)
    {
        var act = Activation(3000, period, meter, offset, new Random(meter));
        var beats = new DbnDownbeatDecoder(100).Decode(act);
        int expected = (3000 - offset + period - 1) / period;
        Assert.InRange(beats.Length, expected - 1, expected);
        for (int i = 0; i < beats.Length; i++)
        {
            int frame = (int)Math.Round(beats[i].Time * 100);
            Assert.Equal(0, (frame - offset) % period);
            int k = (frame - offset) / period;
            Assert.Equal(k % meter + 1, beats[i].BeatInBar);
        }
    }

    [Theory]
    [InlineData(2, 50, 7)]   // 2/4 at 120 BPM
    [InlineData(2, 90, 20)]  // 6/8 counted in two dotted quarters at 67 BPM
    [InlineData(3, 60, 30)]
    [InlineData(4, 50, 12)]
    public void WithTwoBeatBarsAllowedEachMeterIsStillFound(int meter, int period, int offset)
    {
        var act = Activation(3000, period, meter, offset, new Random(10 + meter));
        var beats = new DbnDownbeatDecoder(100, new DbnDownbeatOptions { BeatsPerBar = [2, 3, 4] }).Decode(act);
        int expected = (3000 - offset + period - 1) / period;
        Assert.InRange(beats.Length, expected - 1, expected);
        Assert.Equal(meter, beats.Max(b => b.BeatInBar));
        foreach (var beat in beats)
        {
            int k = ((int)Math.Round(beat.Time * 100) - offset) / period;
            Assert.Equal(k % meter + 1, beat.BeatInBar);
        }
    }

    [Fact]
    public void TwoBeatBarsAreMissedWithoutTheTwoBeatModel()
    {
        // The same 2/4 activation decoded with madmom's default bar lengths (3, 4) cannot label every other beat a downbeat.
        var act = Activation(3000, 50, 2, 7, new Random(12));
        var beats = new DbnDownbeatDecoder(100).Decode(act);
        int downbeatsRight = beats.Count(b => b.BeatInBar == 1 && ((int)Math.Round(b.Time * 100) - 7) / 50 % 2 == 0);
        int twoBeat = beats.Count(b => ((int)Math.Round(b.Time * 100) - 7) / 50 % 2 == 0);
        Assert.True(downbeatsRight < twoBeat * 0.6, $"{downbeatsRight} of {twoBeat} downbeats found without 2-beat bars");
    }

    [Fact]
    public void RejectsBadActivations()
    {
        var decoder = new DbnDownbeatDecoder(100);
        Assert.Throws<Groove.GrooveException>(() => decoder.Decode(new float[] { 0.1f, 0.2f, 0.3f }));
        Assert.Throws<Groove.GrooveException>(() => decoder.Decode(new float[] { 0.1f, float.NaN }));
        Assert.Throws<Groove.GrooveException>(() => decoder.Decode(new float[] { 0.7f, 0.6f }));
        Assert.Empty(decoder.Decode(new float[400]));
        Assert.Throws<Groove.GrooveException>(() => new DbnBeatDecoder(100).Decode(new float[] { 0.5f, 1.5f }));
    }
}
