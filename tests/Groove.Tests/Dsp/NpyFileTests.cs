using Groove.Dsp;
using Groove.Tests.Support;
using Groove.IO;

namespace Groove.Tests.Dsp;

public class NpyFileTests
{
    [Fact]
    public void Float32RoundTripKeepsShapeAndValues()
    {
        using var tmp = new TempDir();
        var path = tmp.File("a.npy");
        float[] data = [1.5f, -2f, 3.25f, 0f, 1e-7f, 42f];
        NpyFile.Write(path, data, 2, 3);
        var back = NpyFile.Read(path);
        Assert.Equal([2, 3], back.Shape);
        Assert.Equal(data, back.ToFloat());
        Assert.Equal(0, new FileInfo(path).Length % 64 == 0 ? 0 : (new FileInfo(path).Length - 24) % 4);
    }

    [Fact]
    public void ReadsSharedConformanceArrays()
    {
        var act = NpyFile.Read(SharedData.Path("conformance", "ellis", "beat-beat-000.onsetenv.npy"));
        Assert.NotEmpty(act.Data);
        Assert.All(act.Data, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void RejectsNonNpyWithOneLineError()
    {
        var e = Assert.Throws<GrooveException>(() => NpyFile.Parse("hello world, not numpy"u8, "x.npy"));
        Assert.DoesNotContain('\n', e.Message);
    }
}
