using Groove.Nn;
using Groove.Nn.Kernels;

namespace Groove.Tests.Nn.Kernels;

public class PaddedImageColumnsTests
{
    public static IEnumerable<object[]> Geometries => new int[][]
    {
        // cin, h, w, kh, kw, dilation h, dilation w, pad top, pad left, hout, wout
        [3, 6, 45, 3, 11, 1, 1, 1, 5, 6, 45],    // 'same', panels crossing row ends at many offsets
        [2, 5, 33, 7, 13, 1, 1, 3, 6, 5, 33],    // a kernel taller than the image: whole padded rows read
        [2, 4, 40, 3, 7, 2, 3, 2, 9, 4, 40],     // dilation in both axes
        [4, 6, 36, 3, 3, 1, 1, 0, 0, 4, 34],     // valid convolution (no padding)
        [2, 7, 35, 4, 4, 1, 1, 1, 2, 7, 35],     // even kernel: the extra padding after
        [1, 1, 300, 1, 25, 1, 1, 0, 12, 1, 300], // one row
        [2, 9, 32, 2, 3, 1, 1, -1, 1, 6, 32],    // negative top padding (rows cut off), Wout = NR exactly
    }.Select(r => r.Cast<object>().ToArray());

    /// <summary>The padded operand packs exactly the values <see cref="ConvImageRows"/> packs (both are copies of the
    /// im2col matrix, zeros past the last column), for every block of rows and columns the SGEMM driver asks for:
    /// blocks starting inside a channel's taps, at odd columns, short last panels, a slab starting at column col0;
    /// 12×32 and 6×16 micro-panels.</summary>
    [Theory]
    [MemberData(nameof(Geometries))]
    public void PacksWhatTheImageOperandPacks(int cin, int h, int w, int kh, int kw, int dh, int dw, int pt, int pl,
        int hout, int wout)
    {
        var g = new Conv2dGeometry(1, cin, h, w, 1, kh, kw, 1, 1, dh, dw, pt, pl, hout, wout, 1);
        float[] x = NaiveGemm.Random(cin * h * w, 11);
        int k = g.PatchSize, p = g.OutPlane;
        (int pc, int kc, int jc, int nc, int col0)[] blocks =
            [(0, k, 0, p, 0), (1, k - 1, 3, p - 3, 0), (k / 2, k - k / 2, 17, Math.Min(70, p - 17), 0),
             (0, Math.Min(5, k), 0, p - 37, 37), (k - 1, 1, p - 1, 1, 0)];
        foreach (var b in blocks)
        {
            Check<SgemmTileAvx512>(g, x, b);
            Check<SgemmTileAvx2>(g, x, b);
        }
    }

    static unsafe void Check<TK>(Conv2dGeometry g, float[] x, (int pc, int kc, int jc, int nc, int col0) b)
        where TK : struct, ISgemmTile
    {
        int nr = TK.NR;
        if (!PaddedImageColumns.Applies(g, nr)) return;
        int panels = (b.nc + nr - 1) / nr;
        float[] expected = new float[panels * nr * b.kc], actual = new float[expected.Length];
        float[] buffer = new float[PaddedImageColumns.BufferLength(g)];
        Array.Fill(actual, float.NaN);
        Array.Fill(buffer, float.NaN); // Fill must write every float it reads, slack included
        fixed (float* px = x) fixed (float* pe = expected) fixed (float* pa = actual) fixed (float* pbuf = buffer)
        {
            new ConvImageRows(px, g.H, g.W, g.Kh, g.Kw, g.DilationH, g.DilationW, g.PadTop, g.PadLeft, g.Wout, b.col0)
                .PackColumns<TK>(b.pc, b.jc, b.kc, b.nc, pe);
            PaddedImageColumns.Fill(g, px, pbuf, b.col0).Pack<TK>(b.pc, b.jc, b.kc, b.nc, pa);
        }
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"NR {nr}, block {b}: packed[{i}] = {actual[i]}, expected {expected[i]}");
    }

    [Fact]
    public void NarrowOutputsAreLeftToTheImageOperand()
    {
        var g = new Conv2dGeometry(1, 2, 4, 20, 3, 3, 3, 1, 1, 1, 1, 1, 1, 4, 20, 1);
        Assert.True(PaddedImageColumns.Applies(g, 16));
        Assert.False(PaddedImageColumns.Applies(g, 32)); // a 32-pixel panel would span three output rows
    }
}
