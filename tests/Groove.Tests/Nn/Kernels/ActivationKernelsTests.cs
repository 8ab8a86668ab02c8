using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class ActivationKernelsTests
{
    static double Erf(double x)
    {
        if (Math.Abs(x) > 4.5) return Math.Sign(x);
        double sum = 0, term = x; // Maclaurin series of erf·√π/2
        for (int n = 0; n < 200; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    static double Reference(Activation act, double x) => act switch
    {
        Activation.None => x,
        Activation.Relu => Math.Max(x, 0),
        Activation.Elu => x > 0 ? x : Math.Exp(x) - 1,
        Activation.Gelu => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Tanh => Math.Tanh(x),
        _ => throw new ArgumentOutOfRangeException(nameof(act)),
    };

    [Theory]
    [InlineData("None")]
    [InlineData("Relu")]
    [InlineData("Elu")]
    [InlineData("Gelu")]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    public void ForwardAndBackwardMatchDefinitions(string name)
    {
        var act = Enum.Parse<Activation>(name);
        // 203 values (vector body + scalar tail on every width) spanning the interesting range, avoiding the kink at 0.
        float[] x = Enumerable.Range(0, 203).Select(i => -6f + 12f * i / 202f + 0.013f).ToArray();
        float[] gy = NaiveGemm.Random(x.Length, 9);
        foreach (var path in new[] { SimdPath.Scalar, SimdPath.Avx2Fma, SimdPath.Avx512 })
        {
            var y = new float[x.Length];
            ActivationKernels.Forward(act, x, y, path);
            for (int i = 0; i < x.Length; i++)
                Assert.True(Math.Abs(y[i] - Reference(act, x[i])) < 2e-6 * (1 + Math.Abs(x[i])), $"{path} {act}({x[i]}) = {y[i]}");
            var gx = new float[x.Length];
            ActivationKernels.Backward(act, x, y, gy, gx, path);
            for (int i = 0; i < x.Length; i++)
            {
                double h = 1e-5, d = (Reference(act, x[i] + h) - Reference(act, x[i] - h)) / (2 * h);
                Assert.True(Math.Abs(gx[i] - gy[i] * d) < 1e-4, $"{path} {act}'({x[i]}): {gx[i]} vs {gy[i] * d}");
            }
        }
    }

    /// <summary>The 16-lane (AVX-512) and 8-lane (AVX2) paths compute every element with the same lane operations,
    /// so they agree to the last bit or two (the runtime's 512-bit and 256-bit exp need not round alike); both run
    /// anywhere (in software where the CPU lacks the width).</summary>
    [Theory]
    [InlineData("Elu")]
    [InlineData("Gelu")]
    [InlineData("Relu")]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    public void VectorWidthsAgreeExactly(string name)
    {
        var act = Enum.Parse<Activation>(name);
        float[] x = NaiveGemm.Random(77, 21).Select(v => 5 * v).ToArray(), gy = NaiveGemm.Random(77, 22);
        float[] y512 = new float[77], y256 = new float[77], g512 = new float[77], g256 = new float[77];
        ActivationKernels.Forward(act, x, y512, SimdPath.Avx512);
        ActivationKernels.Forward(act, x, y256, SimdPath.Avx2Fma);
        ActivationKernels.Backward(act, x, y512, gy, g512, SimdPath.Avx512);
        ActivationKernels.Backward(act, x, y512, gy, g256, SimdPath.Avx2Fma);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(y256[i] - y512[i]) <= 3e-7f * (1 + Math.Abs(y256[i])), $"{act}({x[i]}): {y512[i]} vs {y256[i]}");
            Assert.True(Math.Abs(g256[i] - g512[i]) <= 3e-7f * (1 + Math.Abs(g256[i])), $"{act}'({x[i]}): {g512[i]} vs {g256[i]}");
        }
    }

    [Fact]
    public void BiasActivatePerRowAndPerColumn()
    {
        float[] x = NaiveGemm.Random(3 * 21, 1), bias = [0.5f, -1f, 2f];
        var perRow = (float[])x.Clone();
        ActivationKernels.BiasActivate(perRow, 3, 21, bias, biasPerRow: true, Activation.Elu);
        for (int r = 0; r < 3; r++)
            for (int j = 0; j < 21; j++)
                Assert.Equal(Reference(Activation.Elu, x[r * 21 + j] + bias[r]), perRow[r * 21 + j], 5);
        float[] colBias = NaiveGemm.Random(21, 2);
        var perCol = (float[])x.Clone();
        ActivationKernels.BiasActivate(perCol, 3, 21, colBias, biasPerRow: false, Activation.Gelu);
        for (int r = 0; r < 3; r++)
            for (int j = 0; j < 21; j++)
                Assert.Equal(Reference(Activation.Gelu, x[r * 21 + j] + colBias[j]), perCol[r * 21 + j], 5);
    }
}
