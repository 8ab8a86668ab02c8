using Groove.Audio;

using Groove.Tests.Support;

namespace Groove.Tests.Audio;

public class ResamplerTests
{
    private static float[] Sine(double freq, double rate, int n, double amp = 1.0, double phase = 0.3) => Signals.Sine(freq, rate, n, amp, phase);

    /// <summary>Least-squares fit of a sine at <paramref name="freq"/> to y[from..to): amplitude and residual RMS.</summary>
    private static (double Amplitude, double ResidualRms) FitSine(float[] y, double freq, double rate, int from, int to)
    {
        double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
        for (int i = from; i < to; i++)
        {
            double s = Math.Sin(2 * Math.PI * freq * i / rate), c = Math.Cos(2 * Math.PI * freq * i / rate);
            ss += s * s; cc += c * c; sc += s * c; ys += y[i] * s; yc += y[i] * c;
        }
        double det = ss * cc - sc * sc;
        double a = (ys * cc - yc * sc) / det, b = (yc * ss - ys * sc) / det;
        double res = 0;
        for (int i = from; i < to; i++)
        {
            double e = y[i] - a * Math.Sin(2 * Math.PI * freq * i / rate) - b * Math.Cos(2 * Math.PI * freq * i / rate);
            res += e * e;
        }
        return (Math.Sqrt(a * a + b * b), Math.Sqrt(res / (to - from)));
    }

    private static double Rms(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (var v in x) s += (double)v * v;
        return Math.Sqrt(s / x.Length);
    }

    private static double Db(double ratio) => 20 * Math.Log10(ratio);

    [Theory]
    [InlineData(44100, 22050, 1000.0)]
    [InlineData(44100, 22050, 9900.0)]   // 0.898 of the output Nyquist: the top of the High passband
    [InlineData(22050, 44100, 5000.0)]   // upsampling: images at 17050 Hz must be gone
    [InlineData(44100, 48000, 15000.0)]  // L/M = 160/147
    [InlineData(48000, 44100, 19000.0)]
    [InlineData(44100, 16000, 7000.0)]
    [InlineData(8000, 44100, 3500.0)]
    public void HighQualityKeepsPassbandTonesWithinATenthOfADecibelAndAddsNothingAboveMinus80dB(int inRate, int outRate, double freq)
    {
        var x = Sine(freq, inRate, inRate);            // one second
        var y = Resampler.Resample(x, inRate, outRate, ResampleQuality.High);
        Assert.Equal((int)Math.Ceiling((double)x.Length * outRate / inRate), y.Length);
        int edge = outRate / 20;                         // 50 ms, far more than the filter's half length
        var (amp, residual) = FitSine(y, freq, outRate, edge, y.Length - edge);
        Assert.InRange(Db(amp), -0.1, 0.1);
        Assert.True(Db(residual / (1 / Math.Sqrt(2))) <= -80, $"residual {Db(residual / (1 / Math.Sqrt(2))):F1} dB");
    }

    [Theory]
    [InlineData(44100, 22050, 11200.0)]  // just above the output Nyquist (11025)
    [InlineData(44100, 22050, 13000.0)]
    [InlineData(44100, 22050, 16537.5)]  // would alias onto 5512.5 Hz
    [InlineData(44100, 22050, 21000.0)]
    [InlineData(48000, 16000, 8200.0)]
    [InlineData(44100, 32000, 20000.0)]
    public void HighQualityRejectsToneAboveTheOutputNyquistByAtLeast80dB(int inRate, int outRate, double freq)
    {
        var x = Sine(freq, inRate, inRate);
        var y = Resampler.Resample(x, inRate, outRate, ResampleQuality.High);
        int edge = outRate / 20;
        double level = Db(Rms(y.AsSpan(edge, y.Length - 2 * edge)) / Rms(x));
        Assert.True(level <= -80, $"aliasing at {level:F1} dB");
    }

    [Fact]
    public void IrrationalRatioKeepsPassbandAndRejectsAboveNyquist()
    {
        double ratio = Math.PI / 4;                      // 44100 Hz -> 34636.06 Hz
        double inRate = 44100, outRate = inRate * ratio;
        var pass = Resampler.Resample(Sine(5000, inRate, 44100), ratio, ResampleQuality.High);
        Assert.Equal((int)Math.Ceiling(44100 * ratio), pass.Length);
        var (amp, residual) = FitSine(pass, 5000, outRate, 2000, pass.Length - 2000);
        Assert.InRange(Db(amp), -0.1, 0.1);
        Assert.True(Db(residual * Math.Sqrt(2)) <= -80, $"residual {Db(residual * Math.Sqrt(2)):F1} dB");

        var x = Sine(19000, inRate, 44100);             // output Nyquist is 17318 Hz
        var stop = Resampler.Resample(x, ratio, ResampleQuality.High);
        double level = Db(Rms(stop.AsSpan(2000, stop.Length - 4000)) / Rms(x));
        Assert.True(level <= -80, $"aliasing at {level:F1} dB");
    }

    [Fact]
    public void SweepIsFlatInThePassbandAndSilentAboveTheOutputNyquist()
    {
        // Linear chirp 0 -> 22050 Hz over 4 s at 44.1 kHz, down to 22.05 kHz: the first half must come through at
        // full level, the part above 11025 Hz must vanish.
        const int inRate = 44100, outRate = 22050;
        const double seconds = 4, f1 = 22050;
        int n = (int)(inRate * seconds);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            double t = (double)i / inRate;
            x[i] = (float)Math.Sin(Math.PI * f1 / seconds * t * t);
        }
        var y = Resampler.Resample(x, inRate, outRate, ResampleQuality.High);
        int window = outRate / 50;                       // 20 ms windows
        double worstPass = 0, worstStop = double.NegativeInfinity;
        int passWindows = 0, stopWindows = 0;
        for (int start = 0; start + window <= y.Length; start += window)
        {
            double fStart = f1 / seconds * start / outRate, fEnd = f1 / seconds * (start + window) / outRate;
            // Against the same stretch of the input, measured the same way (so the window's own ripple cancels).
            double level = Db(Rms(y.AsSpan(start, window)) / Rms(x.AsSpan(start * 2, window * 2)));
            if (fStart > 200 && fEnd < 0.9 * outRate / 2) { worstPass = Math.Max(worstPass, Math.Abs(level)); passWindows++; }
            if (fStart > 1.01 * outRate / 2) { worstStop = Math.Max(worstStop, level); stopWindows++; }
        }
        Assert.True(passWindows > 50 && stopWindows > 50);
        Assert.True(worstPass <= 0.1, $"passband deviation {worstPass:F3} dB");
        Assert.True(worstStop <= -80, $"stopband leak {worstStop:F1} dB");
    }

    [Theory]
    [InlineData(ResampleQuality.Fast, 50)]
    [InlineData(ResampleQuality.Medium, 70)]
    [InlineData(ResampleQuality.High, 80)]
    public void EveryQualityMeetsItsStopband(ResampleQuality quality, double minRejectionDb)
    {
        var x = Sine(13000, 44100, 44100);
        var y = Resampler.Resample(x, 44100, 22050, quality);
        double level = Db(Rms(y.AsSpan(1000, y.Length - 2000)) / Rms(x));
        Assert.True(level <= -minRejectionDb, $"{quality}: aliasing at {level:F1} dB");
    }

    [Fact]
    public void FasterQualitiesUseShorterFilters()
    {
        int fast = new Resampler(44100, 22050, ResampleQuality.Fast).FilterLength;
        int medium = new Resampler(44100, 22050, ResampleQuality.Medium).FilterLength;
        int high = new Resampler(44100, 22050, ResampleQuality.High).FilterLength;
        Assert.True(fast < medium && medium < high, $"{fast} {medium} {high}");
    }

    [Theory]
    [InlineData(44100, 22050)]
    [InlineData(22050, 44100)]
    [InlineData(44100, 48000)]
    [InlineData(44100, 44101)]   // L = 44101 is too many phases: the interpolated table
    public void StreamingInRandomBlocksEqualsWholeSignal(int inRate, int outRate)
    {
        var rng = new Random(7);
        var x = new float[20000];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var whole = Resampler.Resample(x, inRate, outRate);
        var r = new Resampler(inRate, outRate);
        var parts = new List<float>();
        for (int at = 0; at < x.Length;)
        {
            int k = Math.Min(x.Length - at, rng.Next(0, 700));
            var o = new float[r.MaxOutputLength(k)];
            int got = r.Process(x.AsSpan(at, k), o);
            parts.AddRange(o.AsSpan(0, got).ToArray());
            at += k;
        }
        parts.AddRange(r.Flush());
        Assert.Equal(whole, parts.ToArray());
    }

    [Theory]
    [InlineData(0.0123)]     // irrational-style ratio far below 1: long filter, few table rows
    [InlineData(1 / 24.0)]
    public void LargeDownsamplingFactorsStayAccurate(double ratio)
    {
        const int inRate = 192000;
        double outRate = inRate * ratio;
        var pass = Resampler.Resample(Sine(0.3 * outRate, inRate, inRate), ratio);
        var (amp, residual) = FitSine(pass, 0.3 * outRate, outRate, pass.Length / 5, pass.Length * 4 / 5);
        Assert.InRange(Db(amp), -0.1, 0.1);
        Assert.True(Db(residual * Math.Sqrt(2)) <= -80, $"residual {Db(residual * Math.Sqrt(2)):F1} dB");
        var x = Sine(0.55 * outRate, inRate, inRate);   // 1.1 x the output Nyquist
        var stop = Resampler.Resample(x, ratio);
        double level = Db(Rms(stop.AsSpan(stop.Length / 5, stop.Length * 3 / 5)) / Rms(x));
        Assert.True(level <= -80, $"aliasing at {level:F1} dB");
    }

    [Fact]
    public void ResamplingIsAlignedInTime()
    {
        // An impulse at input sample 1000 must peak at output sample 500 after halving the rate.
        var x = new float[4000];
        x[1000] = 1;
        var y = Resampler.Resample(x, 44100, 22050);
        int argmax = 0;
        for (int i = 1; i < y.Length; i++) if (Math.Abs(y[i]) > Math.Abs(y[argmax])) argmax = i;
        Assert.Equal(500, argmax);
    }

    [Fact]
    public void BufferResampleHandlesEveryChannel()
    {
        var audio = new AudioBuffer([Sine(440, 8000, 8000), Sine(880, 8000, 8000)], 8000);
        var r = Resampler.Resample(audio, 16000);
        Assert.Equal(16000, r.SampleRate);
        Assert.Equal(2, r.ChannelCount);
        Assert.Equal(16000, r.Length);
        Assert.InRange(Db(FitSine(r.Channels[1], 880, 16000, 800, 15200).Amplitude), -0.1, 0.1);
    }
}
