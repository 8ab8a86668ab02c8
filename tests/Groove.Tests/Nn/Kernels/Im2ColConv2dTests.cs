using Groove.Nn;

namespace Groove.Tests.Nn.Kernels;

public class Im2ColConv2dTests
{
    [Fact]
    public void SamplesSpreadOverTheCoresMatchOneSampleAtATime()
    {
        // Tile2Vec's stem: 7×7 stride 2, padding 3, 1 → 8 channels; 4 samples are over the threshold for the
        // sample-parallel forward pass, one sample alone runs the serial loop.
        const int n = 4, cin = 1, h = 64, w = 120, cout = 8, k = 7, s = 2, pad = 3;
        int hout = (h + 2 * pad - k) / s + 1, wout = (w + 2 * pad - k) / s + 1;
        var g = new Conv2dGeometry(n, cin, h, w, cout, k, k, s, s, 1, 1, pad, pad, hout, wout, 1);
        var one = g with { N = 1 };
        float[] x = NaiveGemm.Random(n * cin * h * w, 1), wt = NaiveGemm.Random(cout * cin * k * k, 2), b = NaiveGemm.Random(cout, 3);
        var kernel = new Im2ColConv2dKernel();
        var y = Enumerable.Repeat(float.NaN, n * cout * hout * wout).ToArray();
        kernel.Forward(g, x, wt, b, y);
        int inSize = cin * h * w, outSize = cout * hout * wout;
        for (int i = 0; i < n; i++)
        {
            var yi = new float[outSize];
            kernel.Forward(one, x.AsSpan(i * inSize, inSize), wt, b, yi);
            for (int j = 0; j < outSize; j++)
                Assert.True(Math.Abs(yi[j] - y[i * outSize + j]) <= 1e-5f * (1 + Math.Abs(yi[j])), $"sample {i}, output {j}");
        }
    }

    [Fact]
    public void StrideTwoPatchRowsMatchTheDefinition()
    {
        // Odd widths and paddings: the vector groups of 8, the scalar tail and the clipped edges all occur.
        foreach (var (w, pad, k) in new[] { (37, 3, 7), (250, 1, 3), (19, 0, 1), (64, 2, 5) })
        {
            const int cin = 2, h = 9, s = 2;
            int hout = (h + 2 * pad - k) / s + 1, wout = (w + 2 * pad - k) / s + 1;
            var g = new Conv2dGeometry(1, cin, h, w, 1, k, k, s, s, 1, 1, pad, pad, hout, wout, 1);
            float[] x = NaiveGemm.Random(cin * h * w, 5);
            int P = hout * wout;
            var col = Enumerable.Repeat(float.NaN, cin * k * k * P).ToArray();
            Im2ColConv2dKernel.Im2Col(g, x, col);
            for (int c = 0; c < cin; c++)
                for (int i = 0; i < k; i++)
                    for (int j = 0; j < k; j++)
                        for (int oh = 0; oh < hout; oh++)
                            for (int ow = 0; ow < wout; ow++)
                            {
                                int ih = oh * s - pad + i, iw = ow * s - pad + j;
                                float expected = ih >= 0 && ih < h && iw >= 0 && iw < w ? x[(c * h + ih) * w + iw] : 0f;
                                Assert.Equal(expected, col[((c * k + i) * k + j) * P + oh * wout + ow]);
                            }
        }
    }
}
