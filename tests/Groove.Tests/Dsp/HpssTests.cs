using Groove.Dsp;

namespace Groove.Tests.Dsp;

public class HpssTests
{
    private const int Sr = 22050;

    private static (float[] Clicks, float[] Tones) Parts(double seconds)
    {
        int n = (int)(seconds * Sr);
        var clicks = new float[n];
        var rng = new Random(3);
        // Short broadband clicks (decaying noise bursts) every 0.25 s.
        for (int start = Sr / 10; start + 200 < n; start += Sr / 4)
            for (int i = 0; i < 200; i++) clicks[start + i] = (float)((rng.NextDouble() * 2 - 1) * Math.Exp(-i / 30.0));
        var tones = ChromagramTests.Chord([48, 55, 64, 71], seconds, Sr);
        return (clicks, tones);
    }

    private static double Energy(ReadOnlySpan<float> a) => System.Numerics.Tensors.TensorPrimitives.Dot(a, a);

    [Fact]
    public void SeparatesClicksFromSustainedTonesByMoreThan15Db()
    {
        var (clicks, tones) = Parts(4.0);
        // HPSS is not linear, but each part of the mix must go mostly to its side. Measure leakage by separating the
        // mix and projecting the outputs onto each source: separate(mix) ≈ H + P; compare the click energy remaining
        // in H with the click energy in P using the separation of each source alone through the mix's masks.
        var mix = clicks.Zip(tones, (a, b) => a + b).ToArray();
        var stft = new Stft(2048, 512);
        var mixSpec = stft.Forward(mix);
        int bins = stft.Bins, frames = mixSpec.Length / (2 * bins);
        var mag = new float[frames * bins];
        for (int i = 0; i < mag.Length; i++) mag[i] = MathF.Sqrt(mixSpec[2 * i] * mixSpec[2 * i] + mixSpec[2 * i + 1] * mixSpec[2 * i + 1]);
        var (mh, mp) = HpssMasks.ComputeFrameMajor(mag, frames, bins);
        float[] Masked(float[] source, float[] mask)
        {
            var s = stft.Forward(source);
            for (int i = 0; i < mask.Length; i++) { s[2 * i] *= mask[i]; s[2 * i + 1] *= mask[i]; }
            return stft.Inverse(s, source.Length);
        }
        double clicksInH = Energy(Masked(clicks, mh)), clicksInP = Energy(Masked(clicks, mp));
        double tonesInH = Energy(Masked(tones, mh)), tonesInP = Energy(Masked(tones, mp));
        double clickDb = 10 * Math.Log10(clicksInP / clicksInH);
        double toneDb = 10 * Math.Log10(tonesInH / tonesInP);
        Assert.True(clickDb >= 15, $"clicks: percussive/harmonic = {clickDb:F1} dB");
        Assert.True(toneDb >= 15, $"tones: harmonic/percussive = {toneDb:F1} dB");

        // The waveform API gives the same outputs, and they sum back to the mix.
        var sep = Hpss.Separate(mix);
        Assert.Equal(mix.Length, sep.Harmonic.Length);
        var h = Masked(mix, mh);
        for (int i = 0; i < mix.Length; i += 97) Assert.Equal(h[i], sep.Harmonic[i], 4);
        var residual = mix.Select((v, i) => v - sep.Harmonic[i] - sep.Percussive[i]).ToArray();
        Assert.True(Energy(residual) < 1e-6 * Energy(mix));
    }

    [Fact]
    public void SoftMasksSumToOneAndBinaryMasksPartition()
    {
        var rng = new Random(7);
        int bins = 40, frames = 60;
        var mag = Enumerable.Range(0, bins * frames).Select(_ => (float)rng.NextDouble()).ToArray();
        var (h, p) = HpssMasks.Compute(mag, bins, frames, new HpssOptions { HarmonicKernel = 9, PercussiveKernel = 7 });
        for (int i = 0; i < h.Length; i++) Assert.Equal(1f, h[i] + p[i], 5);
        var (hb, pb) = HpssMasks.Compute(mag, bins, frames, new HpssOptions { Power = double.PositiveInfinity });
        for (int i = 0; i < hb.Length; i++) Assert.True(hb[i] + pb[i] <= 1f);
        // Margins > 1 leave a residual: the masks no longer sum to 1 everywhere.
        var (hm, pm) = HpssMasks.Compute(mag, bins, frames, new HpssOptions { HarmonicMargin = 2, PercussiveMargin = 2 });
        Assert.Contains(Enumerable.Range(0, hm.Length), i => hm[i] + pm[i] < 0.9f);
        var (hd, _) = HpssMasks.Compute(mag, bins, frames);
        for (int i = 0; i < hm.Length; i++) Assert.True(hm[i] <= hd[i] + 1e-6f);
    }

    [Fact]
    public void HarmonicMedianRunsAlongTimeAndPercussiveAlongFrequency()
    {
        // A horizontal line (steady tone) is harmonic; a vertical line (click) is percussive.
        int bins = 50, frames = 80;
        var mag = new float[bins * frames];
        for (int t = 0; t < frames; t++) mag[20 * frames + t] = 1; // bin 20, all frames
        for (int b = 0; b < bins; b++) mag[b * frames + 40] += 1;  // frame 40, all bins
        var (h, p) = HpssMasks.Compute(mag, bins, frames, new HpssOptions { HarmonicKernel = 11, PercussiveKernel = 11 });
        Assert.True(h[20 * frames + 10] > 0.99f);
        Assert.True(p[5 * frames + 40] > 0.99f);
    }

    [Fact]
    public void EmptyInputGivesEmptyOutputs()
    {
        var s = Hpss.Separate([]);
        Assert.Empty(s.Harmonic);
        Assert.Empty(s.Percussive);
    }
}
