using Groove.Dsp;

namespace Groove.Tests.Dsp;

public class DecibelsAndDeltaTests
{
    [Fact]
    public void PowerToDbFollowsLibrosa()
    {
        float[] s = [1f, 10f, 100f, 0f, 1e-3f];
        var db = new float[5];
        Decibels.PowerToDb(s, db, reference: 1f, amin: 1e-10f, topDb: null);
        Assert.Equal([0f, 10f, 20f, -100f, -30f], db.Select(v => MathF.Round(v, 4)).ToArray());
        Decibels.PowerToDb(s, db, reference: 10f, topDb: 40f); // floor at max − 40 = −30
        Assert.Equal([-10f, 0f, 10f, -30f, -30f], db.Select(v => MathF.Round(v, 4)).ToArray());
    }

    [Fact]
    public void AmplitudeToDbIsTwentyLog10()
    {
        float[] a = [1f, -10f, 0.1f, 0f];
        var db = new float[4];
        Decibels.AmplitudeToDb(a, db, topDb: null);
        Assert.Equal([0f, 20f, -20f, -100f], db.Select(v => MathF.Round(v, 4)).ToArray()); // amin 1e-5 → −100 dB
        Decibels.AmplitudeToDbRelativeToMax(a, db, topDb: 30f);
        Assert.Equal([-20f, 0f, -30f, -30f], db.Select(v => MathF.Round(v, 4)).ToArray());
    }

    [Fact]
    public void RejectsNonPositiveAmin() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Decibels.PowerToDb([1f], new float[1], amin: 0f));

    [Theory]
    [InlineData("delta_interp.npy", 9, DeltaMode.Interp)]
    [InlineData("delta_interp_w5.npy", 5, DeltaMode.Interp)]
    [InlineData("delta_nearest.npy", 9, DeltaMode.Nearest)]
    [InlineData("delta_mirror.npy", 9, DeltaMode.Mirror)]
    [InlineData("delta_constant.npy", 9, DeltaMode.Constant)]
    [InlineData("delta_wrap.npy", 9, DeltaMode.Wrap)]
    public void DeltaMatchesScipySavgol(string file, int width, DeltaMode mode)
    {
        var logmel = DspFixtures.Load("logmel_slaney.npy");
        var expected = DspFixtures.Load(file);
        var d = Delta.Compute(logmel.ToFloat(), logmel.Shape[1], width, mode);
        for (int i = 0; i < d.Length; i++)
            Assert.True(Math.Abs(d[i] - expected.Data[i]) < 1e-4, $"{file}[{i}]: {d[i]} vs {expected.Data[i]}");
    }

    [Fact]
    public void DeltaOfARampIsItsSlope()
    {
        var x = new float[20];
        for (int t = 0; t < 20; t++) x[t] = 3f * t;
        Assert.All(Delta.Compute(x, 1), v => Assert.Equal(3f, v, 5));
        Assert.Throws<ArgumentException>(() => Delta.Compute(new float[5], 1));
    }
}
