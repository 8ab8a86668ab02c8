using Groove.Dsp;

namespace Groove.Tests.Dsp;

public class StftTests
{
    public static TheoryData<string, int, int, int, WindowKind, bool, PadMode> Configs => new()
    {
        { "stft_a.npy", 256, 64, 256, WindowKind.Hann, true, PadMode.Constant },
        { "stft_b.npy", 256, 100, 200, WindowKind.Hamming, true, PadMode.Reflect },
        { "stft_c.npy", 255, 50, 255, WindowKind.Blackman, true, PadMode.Edge },
        { "stft_d.npy", 128, 32, 128, WindowKind.Hann, false, PadMode.Constant },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void MatchesLibrosaStft(string file, int nFft, int hop, int win, WindowKind kind, bool center, PadMode pad)
    {
        var x = DspFixtures.Signal;
        var stft = new Stft(nFft, hop, win, kind, center, pad);
        var reference = DspFixtures.Load(file); // [frames, bins, 2]
        Assert.Equal(reference.Shape[0], stft.FrameCount(x.Length));
        Assert.Equal(reference.Shape[1], stft.Bins);
        var s = stft.Forward(x);
        Assert.True(DspFixtures.MaxRelativeError(s, reference.Data) < 2e-6, $"{file}: {DspFixtures.MaxRelativeError(s, reference.Data):E2}");

        // Magnitude and power agree with the complex result.
        var mag = stft.Magnitude(x);
        var pow = stft.Power(x);
        double maxMag = 0;
        for (int i = 0; i < mag.Length; i++)
            maxMag = Math.Max(maxMag, Math.Sqrt(reference.Data[2 * i] * reference.Data[2 * i] + reference.Data[2 * i + 1] * reference.Data[2 * i + 1]));
        for (int i = 0; i < mag.Length; i++)
        {
            double re = reference.Data[2 * i], im = reference.Data[2 * i + 1];
            double m2 = re * re + im * im;
            // float32 errors scale with the largest bin: |δX| ≤ 4e−6·max|X|
            Assert.True(Math.Abs(pow[i] - m2) <= 8e-6 * maxMag * (Math.Sqrt(m2) + 1e-6 * maxMag), $"power[{i}] {pow[i]} vs {m2}");
            Assert.True(Math.Abs(mag[i] - Math.Sqrt(m2)) <= 4e-6 * maxMag, $"mag[{i}] {mag[i]} vs {Math.Sqrt(m2)}");
        }
    }

    [Theory]
    [InlineData(22050, 2048, 512, 2048, WindowKind.Hann, true)]
    [InlineData(5000, 1024, 256, 1024, WindowKind.Hann, false)]
    [InlineData(4001, 512, 128, 400, WindowKind.Hamming, true)]
    [InlineData(3000, 300, 75, 300, WindowKind.Blackman, true)]
    public void InverseReconstructsTheSignal(int length, int nFft, int hop, int win, WindowKind kind, bool center)
    {
        var rng = new Random(length);
        var x = new float[length];
        for (int i = 0; i < length; i++) x[i] = (float)(Math.Sin(i * 0.05) + 0.3 * (rng.NextDouble() - 0.5));
        var stft = new Stft(nFft, hop, win, kind, center);
        var s = stft.Forward(x);
        var y = stft.Inverse(s, length);
        Assert.Equal(length, y.Length);
        // Without centring the last samples beyond the last full frame cannot be rebuilt: compare where frames cover.
        int covered = center ? length : Math.Min(length, nFft + hop * (stft.FrameCount(length) - 1));
        int from = center ? 0 : nFft; // uncentred: the first window ramp is not fully overlapped
        int to = center ? covered : covered - nFft;
        double num = 0, den = 0;
        for (int i = from; i < to; i++) { num += (y[i] - x[i]) * (double)(y[i] - x[i]); den += x[i] * (double)x[i]; }
        double rel = Math.Sqrt(num / den);
        Assert.True(rel <= 1e-5, $"relative reconstruction error {rel:E2}");
    }

    [Fact]
    public void InverseWithoutLengthTrimsCentrePadding()
    {
        var stft = new Stft(512, 128);
        var x = new float[128 * 20];
        var y = stft.Inverse(stft.Forward(x));
        Assert.Equal(128 * 20, y.Length); // hop·(frames−1) with frames = 1 + len/hop
    }

    [Fact]
    public void OneInstanceServesManyThreads()
    {
        var x = DspFixtures.Signal;
        var mel = new MelSpectrogram(22050, 512, 128, 40);
        var expected = mel.ComputeDb(x);
        Parallel.For(0, 16, _ => Assert.Equal(expected, mel.ComputeDb(x)));
    }

    [Fact]
    public void FrameCountFollowsLibrosa()
    {
        Assert.Equal(1 + 22050 / 512, new Stft(2048, 512).FrameCount(22050));
        Assert.Equal(1 + (22050 - 2048) / 512, new Stft(2048, 512, center: false).FrameCount(22050));
        Assert.Equal(0, new Stft(2048, 512, center: false).FrameCount(100));
        Assert.Equal(2048 / 4, new Stft(2048).HopLength);
    }

    [Fact]
    public void TooShortUncentredSignalIsAOneLineError()
    {
        var e = Assert.Throws<GrooveException>(() => new Stft(2048, 512, center: false).Power(new float[100]));
        Assert.Contains("shorter than one frame", e.Message);
    }

    [Fact]
    public void ReflectPaddingOfAShortSignalRepeatsTheReflection()
    {
        // numpy.pad([1,2,3], 5, 'reflect') = [2,1,2,3,2,1,2,3,2,1,2,3,2]: check via a rectangular-window STFT's DC bin.
        var stft = new Stft(10, 1, 10, WindowKind.Rectangular, true, PadMode.Reflect);
        var s = stft.Forward([1f, 2f, 3f]);
        float[] padded = [2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2];
        for (int t = 0; t < 3; t++)
        {
            float sum = 0;
            for (int j = 0; j < 10; j++) sum += padded[t + j];
            Assert.Equal(sum, s[t * 2 * stft.Bins], 4);
        }
    }
}

public class IstftFixtureTests
{
    [Theory]
    [InlineData("istft_out.npy", 0)]
    [InlineData("istft_out_long.npy", 300)]
    [InlineData("istft_out_short.npy", -700)]
    public void InverseOfAMaskedSpectrogramMatchesLibrosa(string file, int extra)
    {
        var spec = DspFixtures.Load("istft_in.npy").ToFloat();
        var expected = DspFixtures.Load(file);
        var stft = new Stft(256, 64, 200, WindowKind.Hann, center: true);
        int? length = extra == 0 ? null : DspFixtures.Signal.Length + extra;
        var y = stft.Inverse(spec, length);
        Assert.Equal(expected.Shape[0], y.Length);
        Assert.True(DspFixtures.MaxRelativeError(y, expected.Data) < 1e-5, $"{file}: {DspFixtures.MaxRelativeError(y, expected.Data):E2}");
    }
}
