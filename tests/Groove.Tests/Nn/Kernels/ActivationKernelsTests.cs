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
        // 203 values (vector body + scalar tail) spanning the interesting range, avoiding the kink at 0.
        float[] x = Enumerable.Range(0, 203).Select(i => -6f + 12f * i / 202f + 0.013f).ToArray();
        float[] gy = NaiveGemm.Random(x.Length, 9);
        var y = new float[x.Length];
        ActivationKernels.Forward(act, x, y);
        for (int i = 0; i < x.Length; i++)
            Assert.True(Math.Abs(y[i] - Reference(act, x[i])) < 2e-6 * (1 + Math.Abs(x[i])), $"{act}({x[i]}) = {y[i]}");
        var gx = new float[x.Length];
        ActivationKernels.Backward(act, x, y, gy, gx);
        for (int i = 0; i < x.Length; i++)
        {
            double h = 1e-5, d = (Reference(act, x[i] + h) - Reference(act, x[i] - h)) / (2 * h);
            Assert.True(Math.Abs(gx[i] - gy[i] * d) < 1e-4, $"{act}'({x[i]}): {gx[i]} vs {gy[i] * d}");
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
