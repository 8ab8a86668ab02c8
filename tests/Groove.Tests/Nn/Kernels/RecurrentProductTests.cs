using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class RecurrentProductTests
{
    static IEnumerable<SimdPath> RunnablePaths() =>
        new[] { SimdPath.Scalar, SimdPath.Avx2Fma, SimdPath.Avx512 }.Where(SimdPaths.CanRun);

    /// <summary>c = a · wᵀ + bias (packed transposed, bias shared by every row) and c += a · w (packed as is, c
    /// aliasing the addend) on every path, against a double-precision triple loop; odd sizes cover partial column
    /// blocks of both vector widths and an odd last row.</summary>
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 20, 60)]
    [InlineData(5, 7, 17)]
    [InlineData(4, 33, 99)]
    [InlineData(2, 60, 20)]
    [InlineData(7, 16, 130)]
    public void MatchesNaiveOnEveryPath(int rows, int k, int n)
    {
        int np = RecurrentProduct.Padded(n), lda = k + 3;
        float[] a = NaiveGemm.Random(rows * lda, 1), w = NaiveGemm.Random(n * k, 2), bias = NaiveGemm.Random(np, 3);
        float[] wkn = NaiveGemm.Random(k * n, 4), c0 = NaiveGemm.Random(rows * np, 5);
        var packedT = new float[k * np];
        RecurrentProduct.PackTransposed(w, n, k, packedT);
        var packed = new float[k * np];
        RecurrentProduct.Pack(wkn, k, n, packed);
        float[]? first = null;
        foreach (var path in RunnablePaths())
        {
            var c = new float[rows * np];
            RecurrentProduct.Multiply(path, rows, k, n, a, lda, packedT, bias, 0, c);
            var acc = (float[])c0.Clone();
            RecurrentProduct.Multiply(path, rows, k, n, a, lda, packed, acc, np, acc);
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < n; j++)
                {
                    double e1 = bias[j], e2 = c0[i * np + j];
                    for (int p = 0; p < k; p++)
                    {
                        e1 += (double)a[i * lda + p] * w[j * k + p];
                        e2 += (double)a[i * lda + p] * wkn[p * n + j];
                    }
                    Assert.True(Math.Abs(e1 - c[i * np + j]) < 1e-4 * (1 + k), $"{path} bias [{i},{j}]: {c[i * np + j]} vs {e1}");
                    Assert.True(Math.Abs(e2 - acc[i * np + j]) < 1e-4 * (1 + k), $"{path} accumulate [{i},{j}]: {acc[i * np + j]} vs {e2}");
                }
            // Every path is the same fused multiply-add chain over k, so the results are bit-identical.
            float[] both = [.. c, .. acc];
            if (first == null) first = both;
            else Assert.Equal(first, both);
        }
    }

    [Fact]
    public void ShortOperandIsRefused() =>
        Assert.Throws<ArgumentException>(() =>
            RecurrentProduct.Multiply(SimdPath.Scalar, 2, 4, 16, new float[7], 4, new float[64], new float[16], 0, new float[32]));
}
