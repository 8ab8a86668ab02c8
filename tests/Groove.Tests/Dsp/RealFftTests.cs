using Groove.Dsp;
using Groove.Dsp.Fft;

namespace Groove.Tests.Dsp;

public class RealFftTests
{
    public static TheoryData<int> Sizes()
    {
        var d = new TheoryData<int>();
        for (int n = 1; n <= 64; n++) d.Add(n);
        foreach (var n in new[] { 97, 100, 128, 194, 210, 420, 500, 735, 1000, 1024, 1029, 2048, 2310, 4096, 6000, 8192, 2 * 1021, 4 * 37 })
            d.Add(n);
        return d;
    }

    private static float[] Signal(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    private static (double[] re, double[] im) NaiveDft(float[] x)
    {
        int n = x.Length, bins = n / 2 + 1;
        var re = new double[bins];
        var im = new double[bins];
        for (int k = 0; k < bins; k++)
        {
            double sr = 0, si = 0;
            for (int t = 0; t < n; t++)
            {
                double a = -2 * Math.PI * ((long)k * t % n) / n;
                sr += x[t] * Math.Cos(a);
                si += x[t] * Math.Sin(a);
            }
            re[k] = sr; im[k] = si;
        }
        return (re, im);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ForwardMatchesNaiveDoubleDft(int n)
    {
        var x = Signal(n, n);
        var fft = new RealFft(n);
        var spec = new float[2 * fft.Bins];
        fft.Forward(x, spec);
        var (re, im) = NaiveDft(x);
        double norm = 0;
        for (int k = 0; k < fft.Bins; k++) norm = Math.Max(norm, Math.Sqrt(re[k] * re[k] + im[k] * im[k]));
        double maxErr = 0;
        for (int k = 0; k < fft.Bins; k++)
            maxErr = Math.Max(maxErr, Math.Max(Math.Abs(spec[2 * k] - re[k]), Math.Abs(spec[2 * k + 1] - im[k])));
        // float32 FFT error grows like ε·log n; relative to the largest bin (≈ √n for this noise)
        Assert.True(maxErr <= 2e-6 * Math.Max(1, Math.Log2(n)) * Math.Max(norm, 1), $"n={n}: max error {maxErr:E3}, largest bin {norm:F3}");
        // Imaginary parts of DC and (even n) Nyquist are exactly zero.
        Assert.Equal(0f, spec[1]);
        if (n % 2 == 0) Assert.Equal(0f, spec[2 * (n / 2) + 1]);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void InverseRoundTripsAndSplitApiAgrees(int n)
    {
        var x = Signal(n, 1000 + n);
        var fft = new RealFft(n);
        var spec = new float[2 * fft.Bins];
        fft.Forward(x, spec);
        var y = new float[n];
        fft.Inverse(spec, y);
        double maxErr = 0;
        for (int i = 0; i < n; i++) maxErr = Math.Max(maxErr, Math.Abs(y[i] - x[i]));
        Assert.True(maxErr <= 2e-6 * Math.Max(1, Math.Log2(n)), $"n={n}: round-trip error {maxErr:E3}");

        var re = new float[fft.Bins];
        var im = new float[fft.Bins];
        fft.Forward(x, re, im);
        for (int k = 0; k < fft.Bins; k++)
        {
            Assert.Equal(spec[2 * k], re[k]);
            Assert.Equal(spec[2 * k + 1], im[k]);
        }
        var y2 = new float[n];
        fft.Inverse(re, im, y2);
        Assert.Equal(y, y2);
    }

    [Fact]
    public void InverseIgnoresImaginaryPartsOfDcAndNyquistLikeNumpy()
    {
        var fft = new RealFft(8);
        var spec = new float[10];
        spec[0] = 8; // DC only → all ones
        spec[1] = 5; // ignored
        spec[9] = 3; // ignored (Nyquist imaginary)
        var y = new float[8];
        fft.Inverse(spec, y);
        Assert.All(y, v => Assert.Equal(1f, v, 6));
    }

    [Fact]
    public void BatchForwardEqualsFrameByFrame()
    {
        const int n = 512, count = 7;
        var fft = new RealFft(n);
        var x = Signal(n * count, 5);
        var batch = new float[count * 2 * fft.Bins];
        fft.Forward(x, batch, count);
        var one = new float[2 * fft.Bins];
        for (int f = 0; f < count; f++)
        {
            fft.Forward(x.AsSpan(f * n, n), one);
            Assert.Equal(one, batch.AsSpan(f * 2 * fft.Bins, 2 * fft.Bins).ToArray());
        }
    }

    [Fact]
    public void ConcurrentCallsOnOneInstanceAgree()
    {
        var fft = new RealFft(2048);
        var x = Signal(2048, 3);
        var expected = new float[2 * fft.Bins];
        fft.Forward(x, expected);
        Parallel.For(0, 64, _ =>
        {
            var s = new float[2 * fft.Bins];
            fft.Forward(x, s);
            Assert.Equal(expected, s);
        });
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(1000)]
    [InlineData(97)]
    public void CallsAllocateNothingAfterWarmUp(int n)
    {
        var fft = new RealFft(n);
        var x = Signal(n, 9);
        var spec = new float[2 * fft.Bins];
        var y = new float[n];
        fft.Forward(x, spec);
        fft.Inverse(spec, y);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            fft.Forward(x, spec);
            fft.Inverse(spec, y);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void WrongLengthsAreRejected()
    {
        var fft = new RealFft(16);
        Assert.Throws<ArgumentException>(() => fft.Forward(new float[15], new float[18]));
        Assert.Throws<ArgumentException>(() => fft.Forward(new float[16], new float[16]));
        Assert.Throws<ArgumentException>(() => fft.Inverse(new float[18], new float[15]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealFft(0));
    }

    [Theory]
    [InlineData(1024, false)]
    [InlineData(2 * 3 * 5 * 7, false)]
    [InlineData(97, true)]
    [InlineData(2 * 1021, true)]
    public void PlansMixedRadixOrBluestein(int n, bool bluestein) =>
        Assert.Equal(bluestein, new ComplexFft(n).UsesBluestein);
}

public class ComplexFftTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(64)]
    [InlineData(100)]
    [InlineData(210)]
    [InlineData(500)]
    [InlineData(1024)]
    [InlineData(2 * 3 * 5 * 7 * 11)]
    [InlineData(13 * 17 * 4)]
    [InlineData(31 * 31)]
    [InlineData(37)]
    [InlineData(4096)]
    public void VectorAndPortablePassesBothMatchTheDefinition(int n)
    {
        var rng = new Random(n);
        var xr = new float[n];
        var xi = new float[n];
        for (int i = 0; i < n; i++) { xr[i] = (float)rng.NextDouble() - 0.5f; xi[i] = (float)rng.NextDouble() - 0.5f; }
        var er = new double[n];
        var ei = new double[n];
        for (int k = 0; k < n; k++)
            for (int t = 0; t < n; t++)
            {
                double a = -2 * Math.PI * ((long)k * t % n) / n;
                er[k] += xr[t] * Math.Cos(a) - xi[t] * Math.Sin(a);
                ei[k] += xr[t] * Math.Sin(a) + xi[t] * Math.Cos(a);
            }
        foreach (bool simd in new[] { true, false })
        {
            var fft = new ComplexFft(n, simd);
            var re = (float[])xr.Clone();
            var im = (float[])xi.Clone();
            fft.Forward(re, im, new float[fft.ScratchLength]);
            double err = 0, scale = Math.Sqrt(n);
            for (int k = 0; k < n; k++) err = Math.Max(err, Math.Max(Math.Abs(re[k] - er[k]), Math.Abs(im[k] - ei[k])));
            Assert.True(err <= 3e-6 * Math.Max(1, Math.Log2(n)) * scale, $"n={n} simd={simd}: error {err:E2}");
        }
    }
}
