using Groove.Dsp;
using Groove.Tests.Support;
using Groove.IO;

namespace Groove.Tests.Rhythm;

public class OnsetStrengthTests
{
    [Fact]
    public void FluxMatchesEllisReferenceOnsetEnvelope()
    {
        // Ellis' mel spectrogram in dB [40 bands × 7542 frames] → his onset envelope (librosa's test: lag 1,
        // max_size 1, no centring, detrended, mean over bands; the reference omits the leading zero frame).
        var d = NpyFile.Read(SharedData.Path("conformance", "ellis", "beat-onset-000.D.npy"));
        var expected = NpyFile.Read(SharedData.Path("conformance", "ellis", "beat-onset-000.onsetenv.npy")).ToFloat();
        int bands = d.Shape[0], frames = d.Shape[1];
        var s = new float[frames * bands];
        for (int b = 0; b < bands; b++)
            for (int t = 0; t < frames; t++) s[t * bands + b] = (float)d.Data[b * frames + t];
        var flux = OnsetStrength.Flux(s, bands, lag: 1, maxSize: 1, padFrames: 1, detrend: true);
        Assert.Equal(expected.Length, flux.Length - 1);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(flux[i + 1] - expected[i]) < 1e-3, $"frame {i}: {flux[i + 1]} vs {expected[i]}");
    }

    [Fact]
    public void MaxFilterSuppressesVibratoButKeepsOnsets()
    {
        // A partial moving up one band per frame (vibrato-like) gives flux without the max filter, none with it.
        int bands = 10, frames = 6;
        var s = new float[bands * frames];
        for (int t = 0; t < frames; t++) s[t * bands + 2 + t % 2] = 1;
        Assert.True(OnsetStrength.Flux(s, bands, maxSize: 1, mean: false).Skip(1).Sum() > 0);
        Assert.Equal(0, OnsetStrength.Flux(s, bands, maxSize: 3, mean: false).Sum());
        // An onset in every band is kept.
        var onset = new float[bands * 2];
        for (int b = 0; b < bands; b++) onset[bands + b] = 1;
        Assert.Equal(bands, OnsetStrength.Flux(onset, bands, maxSize: 3, mean: false)[1]);
    }

    [Fact]
    public void SuperFluxPeaksAtClicks()
    {
        var x = Signals.ClickTrack(120, 6);
        var env = new SuperFluxOnsetStrength().Compute(x, 22050);
        Assert.Equal(3, env.SubBands.Length);
        Assert.InRange(env.FramesPerSecond, 99.5, 100);
        // The strongest frames lie within 30 ms of a click (clicks at 0.1 + k·0.5 s).
        var top = env.Values.Select((v, i) => (v, i)).OrderByDescending(p => p.v).Take(10);
        foreach (var (_, i) in top)
        {
            double t = i / env.FramesPerSecond - 0.1;
            double dist = Math.Abs(t - Math.Round(t / 0.5) * 0.5);
            Assert.True(dist < 0.03, $"peak at {i / env.FramesPerSecond:F3} s");
        }
    }
}
