using Groove.Dsp;

namespace Groove.Tests.Dsp;

public class ConstantQTransformTests
{
    private const int Sr = 16000;

    internal static float[] Sine(double freq, double seconds, int sr, double amp = 0.5)
    {
        var y = new float[(int)(seconds * sr)];
        for (int i = 0; i < y.Length; i++) y[i] = (float)(amp * Math.Sin(2 * Math.PI * freq * i / sr));
        return y;
    }

    private static int ArgmaxBinMidFrames(ConstantQSpectrogram s)
    {
        int best = -1; double bestV = -1;
        for (int b = 0; b < s.BinCount; b++)
        {
            double sum = 0;
            for (int j = s.FrameCount / 4; j < 3 * s.FrameCount / 4; j++) sum += s[b, j];
            if (sum > bestV) { bestV = sum; best = b; }
        }
        return best;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PureTonesPeakAtTheirBinAcrossEightOctaves(bool variableQ)
    {
        // 96 bins from A0 (27.5 Hz) at 16 kHz: 8 octaves, the top bin at 6645 Hz.
        var opts = variableQ ? ConstantQOptions.Vqt(Sr, 256, 27.5, 96) : ConstantQOptions.Cqt(Sr, 256, 27.5, 96);
        var cqt = new ConstantQTransform(opts);
        for (int octave = 0; octave < 8; octave++)
        {
            foreach (int step in new[] { 0, 5, 11 })
            {
                int bin = octave * 12 + step;
                var y = Sine(cqt.Frequencies[bin], 2.0, Sr);
                var s = cqt.Compute(y);
                Assert.Equal(bin, ArgmaxBinMidFrames(s));
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MultirateSparseResultMatchesDirectFullRateFiltering(bool variableQ)
    {
        // The definition computed the slow way: each bin is |Σ x[j·hop + n]·kernel[n]|·√L with the full-rate,
        // L1-normalised Hann-windowed kernel. The fast path (octave decimation, FFT-domain sparse kernels) must agree
        // on white noise, up to where it centres the kernel: within one sample at the octave's own rate, as in
        // librosa (the kernel is centred half a sample off at every rate, so octave i is up to 2^i input samples off).
        var opts = variableQ ? ConstantQOptions.Vqt(Sr, 256, 27.5, 96) : ConstantQOptions.Cqt(Sr, 256, 27.5, 96);
        var cqt = new ConstantQTransform(opts);
        var rng = new Random(11);
        var y = new float[Sr * 4];
        for (int i = 0; i < y.Length; i++) y[i] = (float)(rng.NextDouble() - 0.5);
        var fast = cqt.Compute(y);
        double worst = 0;
        foreach (int bin in new[] { 0, 5, 11, 12, 23, 40, 60, 71, 84, 95 })
        {
            double len = cqt.Lengths[bin];
            var k = WaveletFilters.Kernel(cqt.Frequencies[bin], Sr, len);
            int n = k.Length / 2, maxShift = 1 << ((95 - bin) / 12);
            double best = double.MaxValue;
            for (int shift = -maxShift; shift <= maxShift; shift++)
            {
                int start = (int)Math.Floor(-len / 2) + shift;
                double sumSq = 0, errSq = 0;
                for (int j = 60; j < fast.FrameCount - 60; j += 7)
                {
                    double re = 0, im = 0;
                    for (int i = 0; i < n; i++)
                    {
                        int t = j * 256 + start + i;
                        re += y[t] * k[2 * i];
                        im += y[t] * k[2 * i + 1];
                    }
                    double direct = Math.Sqrt(re * re + im * im) * Math.Sqrt(len);
                    double d = fast[bin, j] - direct;
                    sumSq += direct * direct;
                    errSq += d * d;
                }
                best = Math.Min(best, Math.Sqrt(errSq / sumSq));
            }
            worst = Math.Max(worst, best);
        }
        // Relative RMS error over frames of the worst bin: measured 1.7 % (CQT) and 3.0 % (VQT) when written.
        Assert.True(worst < 0.045, $"relative RMS error {worst:F4}");
    }

    [Fact]
    public void FrameCountAndLayoutFollowLibrosa()
    {
        // librosa: centred frames, 1 + n // hop of them; bins lowest first.
        var cqt = new ConstantQTransform(ConstantQOptions.Cqt(22050, 512));
        foreach (int n in new[] { 22050, 22050 * 3 + 17, 1000, 511, 512 })
        {
            var s = cqt.Compute(new float[n]);
            Assert.Equal(1 + n / 512, s.FrameCount);
            Assert.Equal(84, s.BinCount);
        }
        Assert.Equal(ConstantQOptions.C1, cqt.Frequencies[0], 6);
        Assert.Equal(ConstantQOptions.C1 * Math.Pow(2, 83 / 12.0), cqt.Frequencies[83], 6);
    }

    [Theory]
    [InlineData(false, 12)]
    [InlineData(true, 12)]
    [InlineData(false, 36)]
    public void SinusoidMagnitudeIsAmplitudeTimesRootLengthOverTwo(bool variableQ, int bpo)
    {
        // With scale=True, librosa's (L1-normalised) bins give A·√L/2 for a sinusoid of amplitude A at the bin centre,
        // whatever octave (and so whatever decimation) the bin is computed in.
        var opts = variableQ ? ConstantQOptions.Vqt(22050, 512, binsPerOctave: bpo, binCount: 7 * bpo)
                             : ConstantQOptions.Cqt(22050, 512, binsPerOctave: bpo, binCount: 7 * bpo);
        var cqt = new ConstantQTransform(opts);
        foreach (int bin in new[] { 3, bpo + 2, 3 * bpo, 5 * bpo + 1, 7 * bpo - 2 })
        {
            const double amp = 0.3;
            var s = cqt.Compute(Sine(cqt.Frequencies[bin], 3.0, 22050, amp));
            double expected = amp * Math.Sqrt(cqt.Lengths[bin]) / 2;
            double mid = s[bin, s.FrameCount / 2];
            Assert.InRange(mid / expected, 0.97, 1.03);
        }
    }

    [Fact]
    public void UnscaledMagnitudeIsAmplitudeTimesLengthOverTwo()
    {
        var opts = ConstantQOptions.Cqt(22050, 512) with { Scale = false };
        var cqt = new ConstantQTransform(opts);
        int bin = 40;
        var s = cqt.Compute(Sine(cqt.Frequencies[bin], 3.0, 22050, 1.0));
        Assert.InRange(s[bin, s.FrameCount / 2] / (cqt.Lengths[bin] / 2), 0.97, 1.03);
    }

    [Fact]
    public void VqtFiltersAreShorterThanCqtFiltersAtLowFrequencies()
    {
        var c = new ConstantQTransform(ConstantQOptions.Cqt(22050));
        var v = new ConstantQTransform(ConstantQOptions.Vqt(22050));
        // γ = 24.7·α/0.108 ≈ 13.2 Hz for 12 bins/octave (α ≈ 0.0577): at C1 the VQT filter is much shorter.
        Assert.Equal(24.7 * 0.0577 / 0.108, v.Options.Gamma, 1);
        Assert.True(v.Lengths[0] < 0.25 * c.Lengths[0]);
        Assert.InRange(v.Lengths[83] / c.Lengths[83], 0.9, 1.0);
        // Q of the CQT: 1/α with α = (2^(2/12) − 1)/(2^(2/12) + 1).
        double alpha = (Math.Pow(2, 2 / 12.0) - 1) / (Math.Pow(2, 2 / 12.0) + 1);
        Assert.Equal(22050 / alpha / c.Frequencies[10], c.Lengths[10], 6);
    }

    [Fact]
    public void RejectsFiltersAboveNyquist()
    {
        Assert.Throws<ArgumentException>(() => new ConstantQTransform(ConstantQOptions.Cqt(16000, 256, ConstantQOptions.C1, 96)));
    }

    [Fact]
    public void TuningShiftsTheBins()
    {
        var opts = ConstantQOptions.Cqt(22050, 512) with { Tuning = 0.5 };
        var cqt = new ConstantQTransform(opts);
        Assert.Equal(ConstantQOptions.C1 * Math.Pow(2, 0.5 / 12), cqt.Frequencies[0], 6);
    }
}
