using System.Runtime.Intrinsics;
using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class VectorExpTests
{
    static float[] Inputs()
    {
        var xs = new List<float>();
        for (float x = -90f; x <= 90f; x += 0.0371f) xs.Add(x);
        xs.AddRange([0f, -0f, 1e-8f, -1e-8f, 0.5f * MathF.Log(2f), -0.5f * MathF.Log(2f), 87f, -87f, 88f]);
        while (xs.Count % 16 != 0) xs.Add(1f);
        return xs.ToArray();
    }

    static void Check(float[] x, float[] y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = Math.Clamp(x[i], -87f, 88f), exact = Math.Exp(v);
            Assert.True(Math.Abs(y[i] - exact) <= 3e-7 * exact, $"exp({x[i]}) = {y[i]}, expected {exact}");
            Assert.True(float.IsFinite(y[i]) && y[i] > 0);
        }
    }

    [Fact]
    public void SixteenLanesMatchDoublePrecisionExp()
    {
        float[] x = Inputs(), y = new float[x.Length];
        for (int i = 0; i < x.Length; i += 16) Lanes512.Store(Lanes512.Exp(Lanes512.Load(x, i)), y, i);
        Check(x, y);
    }

    [Fact]
    public void EightLanesMatchDoublePrecisionExp()
    {
        float[] x = Inputs(), y = new float[x.Length];
        for (int i = 0; i < x.Length; i += 8) Lanes256.Store(Lanes256.Exp(Lanes256.Load(x, i)), y, i);
        Check(x, y);
    }

    [Fact]
    public void ExactAtZeroAndSaturatesAtTheClamp()
    {
        Assert.Equal(1f, Lanes512.Exp(Vector512<float>.Zero).GetElement(0));
        Assert.Equal(1f, Lanes256.Exp(Vector256<float>.Zero).GetElement(0));
        Assert.True(Lanes256.Exp(Vector256.Create(-1000f)).GetElement(0) < 2e-38f);
        Assert.True(float.IsFinite(Lanes256.Exp(Vector256.Create(1000f)).GetElement(0)));
    }
}
