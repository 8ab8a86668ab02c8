using Groove.Dsp;
using Groove.Tests.Support;
using Groove.IO;

namespace Groove.Tests.Dsp;

/// <summary>Reference arrays written by tests/fixtures/dsp/make_fixtures.py (numpy/scipy versions of librosa's algorithms).</summary>
internal static class DspFixtures
{
    public static NpyArray Load(string name) => NpyFile.Read(RepoPaths.Path("tests", "fixtures", "dsp", name));

    public static float[] Signal => Load("signal.npy").ToFloat();

    /// <summary>Largest |a − b| relative to the largest |b|.</summary>
    public static double MaxRelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 0, err = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(expected[i]));
            err = Math.Max(err, Math.Abs(actual[i] - expected[i]));
        }
        return err / Math.Max(scale, 1e-30);
    }
}
