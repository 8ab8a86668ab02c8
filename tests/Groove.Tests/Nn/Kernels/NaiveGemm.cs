namespace Groove.Tests.Nn.Kernels;

/// <summary>Textbook triple loop (double accumulation) that the fast kernels are checked against.</summary>
static class NaiveGemm
{
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha, float[] a, int lda,
        float[] b, int ldb, float beta, float[] c, int ldc)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double acc = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = transA ? a[p * lda + i] : a[i * lda + p];
                    double bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    acc += av * bv;
                }
                c[i * ldc + j] = (float)(alpha * acc + (beta == 0 ? 0 : beta * (double)c[i * ldc + j]));
            }
    }

    public static float[] Random(int length, int seed)
    {
        var rng = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}
