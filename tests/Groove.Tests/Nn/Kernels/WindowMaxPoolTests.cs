using Groove.Nn;
using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class WindowMaxPoolTests
{
    /// <summary>Overlapping 3×3/2 windows with padding 1 (ResNet's stem pooling), clipped to a 11 × 37 plane.</summary>
    static (int[] s, int[] e) Windows(int size, int k, int stride, int pad)
    {
        int n = (size + 2 * pad - k) / stride + 1;
        var s = new int[n]; var e = new int[n];
        for (int o = 0; o < n; o++) { s[o] = Math.Max(o * stride - pad, 0); e[o] = Math.Min(o * stride - pad + k, size); }
        return (s, e);
    }

    /// <summary>Adaptive windows ⌊o·size/n⌋ … ⌈(o+1)·size/n⌉: widths vary and neighbours overlap.</summary>
    static (int[] s, int[] e) Adaptive(int size, int n)
    {
        var s = new int[n]; var e = new int[n];
        for (int o = 0; o < n; o++) { s[o] = o * size / n; e[o] = ((o + 1) * size + n - 1) / n; }
        return (s, e);
    }

    public static IEnumerable<object[]> Geometries => new object[][]
    {
        // h, w, kind: ResNet stem pooling 3×3/2 pad 1 (19 and 125 output columns: full vectors and a tail), 2×2/2,
        // 5×5/3 pad 2, adaptive (uneven, overlapping widths), fewer than 8 output columns (the scan alone), and a
        // window list with empty windows.
        [11, 37, "3/2/1"], [9, 250, "3/2/1"], [8, 32, "2/2/0"], [13, 41, "5/3/2"], [10, 29, "adaptive"],
        [7, 9, "3/2/1"], [6, 40, "empty"],
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void WithAndWithoutArgmaxMatchTheScanDefinitionWithTiesAndNaNs(int h, int w, string kind)
    {
        const int planes = 3;
        var rng = new Random(7 + h * w);
        var x = new float[planes * h * w];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(5) - 2; // few levels: many ties
        for (int i = 0; i < x.Length; i += 23) x[i] = float.NaN;
        for (int i = 5; i < x.Length; i += 31) x[i] = float.NegativeInfinity;
        int[] rs, re, cs, ce;
        switch (kind)
        {
            case "adaptive": (rs, re) = Adaptive(h, 4); (cs, ce) = Adaptive(w, 17); break;
            case "empty":
                (rs, re) = Windows(h, 3, 2, 1); (cs, ce) = Windows(w, 3, 2, 1);
                re[1] = rs[1]; ce[3] = cs[3]; ce[12] = cs[12] - 1; cs[19] = w; ce[19] = w;
                break;
            default:
                var k = kind.Split('/').Select(int.Parse).ToArray();
                (rs, re) = Windows(h, k[0], k[1], k[2]); (cs, ce) = Windows(w, k[0], k[1], k[2]);
                break;
        }
        int oh = rs.Length, ow = cs.Length;
        var y = new float[planes * oh * ow];
        var yFast = new float[y.Length];
        var arg = new int[y.Length];
        Array.Fill(y, 7f); Array.Fill(arg, 7);
        WindowMaxPool.Forward(x, y, arg, planes, h, w, rs, re, cs, ce);
        WindowMaxPool.Forward(x, yFast, default, planes, h, w, rs, re, cs, ce);
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    float best = float.NegativeInfinity; int bi = -1;
                    for (int r = rs[i]; r < re[i] && !float.IsNaN(best); r++)
                        for (int c = cs[j]; c < ce[j]; c++)
                        {
                            float v = x[(p * h + r) * w + c];
                            if (bi < 0 || v > best || float.IsNaN(v)) { best = v; bi = r * w + c; if (float.IsNaN(v)) break; }
                        }
                    int o = (p * oh + i) * ow + j;
                    Assert.Equal(best, y[o]);
                    Assert.Equal(bi, arg[o]);
                    Assert.Equal(best, yFast[o]);
                }
    }

    [Fact]
    public void InferenceAndTrainingPoolingAgree()
    {
        var x = Tensor.Randn(new Rng(3), 2, 4, 16, 41);
        x.RequiresGrad = true;
        var train = Functional.MaxPool2d(x, (3, 3), (2, 2), (1, 1));
        Tensor infer;
        using (GradMode.NoGrad()) infer = Functional.MaxPool2d(x, (3, 3), (2, 2), (1, 1));
        Assert.Equal(train.ToArray(), infer.ToArray());
        train.Sum().Backward();
        // Each output's gradient of 1 goes to exactly one input of its window.
        Assert.Equal(train.Size, x.Grad!.ToArray().Sum(), 3);
    }
}
