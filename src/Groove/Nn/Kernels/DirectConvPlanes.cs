using System.Runtime.CompilerServices;

namespace Groove.Nn.Kernels;

/// <summary>
/// The layout <see cref="DirectConv2dKernel"/> reads a stride-1 convolution's input in: each channel's plane
/// zero-padded to <see cref="Rows"/> × <see cref="Pitch"/> (padded row r, column p hold input row r − padTop,
/// column p − padLeft, zero outside the input), so that output (oh, ow) sits at position q = oh·Pitch + ow and reads
/// tap (c, i, j) at q + c·<see cref="Plane"/> + i·dh·Pitch + j·dw. The convolution becomes a 1-D correlation along q
/// with one offset per tap and no bounds tests; positions with ow ≥ Wout (the Pitch − Wout padding columns) are
/// computed and dropped. Padding may be negative (rows or columns cut off), as in a transposed convolution's. The
/// kernel pads only the rows a work item reads (<see cref="PadRows"/>), so "plane" is then that run's rows.
/// </summary>
internal readonly unsafe struct DirectConvPlanes
{
    public readonly int H, W, PadTop, PadLeft, Hout, Wout, Kh, Kw, Dh, Dw;

    /// <param name="h">Input height.</param>
    /// <param name="w">Input width.</param>
    /// <param name="padTop">Input row of output row 0's first tap is −padTop.</param>
    /// <param name="padLeft">Input column of output column 0's first tap is −padLeft.</param>
    /// <param name="hout">Output height.</param>
    /// <param name="wout">Output width.</param>
    /// <param name="kh">Kernel height.</param>
    /// <param name="kw">Kernel width.</param>
    /// <param name="dh">Dilation along the height.</param>
    /// <param name="dw">Dilation along the width.</param>
    public DirectConvPlanes(int h, int w, int padTop, int padLeft, int hout, int wout, int kh, int kw, int dh, int dw)
    {
        H = h; W = w; PadTop = padTop; PadLeft = padLeft; Hout = hout; Wout = wout; Kh = kh; Kw = kw; Dh = dh; Dw = dw;
    }

    /// <summary>Padded row length: an output row and its widest tap reach.</summary>
    public int Pitch => Wout + (Kw - 1) * Dw;

    /// <summary>Padded rows: the output rows and the tallest tap reach.</summary>
    public int Rows => Hout + (Kh - 1) * Dh;

    /// <summary>Floats per padded plane.</summary>
    public int Plane => Rows * Pitch;

    /// <summary>Whether the padded planes of <paramref name="channels"/> channels can be addressed with int offsets.</summary>
    public bool Fits(int channels) => (long)channels * Rows * Pitch < int.MaxValue / 2;

    /// <summary>Padded rows holding <paramref name="outputRows"/> consecutive output rows and their taps' reach.</summary>
    public int RowsFor(int outputRows) => outputRows + (Kh - 1) * Dh;

    /// <summary>taps[(c·Kh + i)·Kw + j] = c·<paramref name="plane"/> + i·dh·Pitch + j·dw for
    /// <paramref name="channels"/> channels whose padded rows are <paramref name="plane"/> floats apart.</summary>
    public void FillTaps(int channels, int plane, int* taps)
    {
        int t = 0;
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < Kh; i++)
                for (int j = 0; j < Kw; j++)
                    taps[t++] = c * plane + i * Dh * Pitch + j * Dw;
    }

    /// <summary>
    /// Padded rows r0 .. r0 + <paramref name="count"/> of each of <paramref name="channels"/> planes of one sample
    /// (<paramref name="src"/>: [channels][H][W]) into <paramref name="dst"/>, channel c at dst + c·<paramref name="plane"/>:
    /// row r holds input row r − padTop (zero outside the input, also past the padded plane's last row).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PadRows(float* src, int channels, int r0, int count, float* dst, int plane)
    {
        for (int c = 0; c < channels; c++)
        {
            float* s = src + (long)c * H * W, d = dst + (long)c * plane;
            for (int r = r0; r < r0 + count; r++, d += Pitch)
            {
                int ih = r - PadTop;
                PadRow((uint)ih < (uint)H ? s + (long)ih * W : null, d);
            }
        }
    }

    /// <summary>One padded row: input row <paramref name="src"/> (null: a row outside the input) shifted by padLeft,
    /// zero elsewhere, into <paramref name="dst"/> (<see cref="Pitch"/> floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PadRow(float* src, float* dst)
    {
        int pitch = Pitch;
        if (src == null)
        {
            new Span<float>(dst, pitch).Clear();
            return;
        }
        // Columns p in [lo, hi) hold input columns p − PadLeft.
        int lo = Math.Clamp(PadLeft, 0, pitch), hi = Math.Clamp(PadLeft + W, lo, pitch);
        if (lo > 0) new Span<float>(dst, lo).Clear();
        new ReadOnlySpan<float>(src + (lo - PadLeft), hi - lo).CopyTo(new Span<float>(dst + lo, hi - lo));
        if (hi < pitch) new Span<float>(dst + hi, pitch - hi).Clear();
    }
}
