using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class LayerNormChannelsFirstTests
{
    static double[] Reference(int n, int c, int p, double[] x, double[] w, double[] b, double eps)
    {
        var y = new double[x.Length];
        for (int i = 0; i < n; i++)
            for (int q = 0; q < p; q++)
            {
                double mean = 0, v = 0;
                for (int ch = 0; ch < c; ch++) mean += x[(i * c + ch) * p + q];
                mean /= c;
                for (int ch = 0; ch < c; ch++) v += Math.Pow(x[(i * c + ch) * p + q] - mean, 2);
                v /= c;
                for (int ch = 0; ch < c; ch++)
                    y[(i * c + ch) * p + q] = (x[(i * c + ch) * p + q] - mean) / Math.Sqrt(v + eps) * w[ch] + b[ch];
            }
        return y;
    }

    static double[] D(float[] a) => Array.ConvertAll(a, v => (double)v);

    [Theory]
    [InlineData(2, 5, 19)]
    [InlineData(3, 16, 40)]   // large enough to run images in parallel
    public void ForwardAndGradientsMatchReference(int n, int c, int p)
    {
        const float eps = 1e-6f;
        float[] x = NaiveGemm.Random(n * c * p, 1), w = NaiveGemm.Random(c, 2), b = NaiveGemm.Random(c, 3);
        float[] r = NaiveGemm.Random(n * c * p, 4); // loss = Σ y∘r, so gy = r
        var y = new float[x.Length];
        var mean = new float[n * p];
        var rstd = new float[n * p];
        LayerNormChannelsFirst.Forward(n, c, p, x, w, b, eps, y, mean, rstd);
        double[] ey = Reference(n, c, p, D(x), D(w), D(b), eps);
        for (int i = 0; i < y.Length; i++) Assert.True(Math.Abs(y[i] - ey[i]) < 1e-4, $"y[{i}] {y[i]} vs {ey[i]}");

        var gx = new float[x.Length];
        var gw = new float[c];
        var gb = new float[c];
        LayerNormChannelsFirst.Backward(n, c, p, x, w, mean, rstd, r, gx, gw, gb);
        double Loss(double[] xd, double[] wd, double[] bd)
        {
            double[] yy = Reference(n, c, p, xd, wd, bd, eps);
            double s = 0;
            for (int i = 0; i < yy.Length; i++) s += yy[i] * r[i];
            return s;
        }
        void CheckGrad(float[] param, float[] grad, Func<double[], double> loss, string what)
        {
            var pd = D(param);
            for (int i = 0; i < pd.Length; i += Math.Max(1, pd.Length / 31))
            {
                double keep = pd[i];
                pd[i] = keep + 1e-6; double up = loss(pd);
                pd[i] = keep - 1e-6; double down = loss(pd);
                pd[i] = keep;
                double fd = (up - down) / 2e-6;
                Assert.True(Math.Abs(fd - grad[i]) < 2e-3 * (1 + Math.Abs(fd)), $"{what}[{i}]: {grad[i]} vs {fd}");
            }
        }
        CheckGrad(x, gx, xd => Loss(xd, D(w), D(b)), "x");
        CheckGrad(w, gw, wd => Loss(D(x), wd, D(b)), "w");
        CheckGrad(b, gb, bd => Loss(D(x), D(w), bd), "b");
    }
}
