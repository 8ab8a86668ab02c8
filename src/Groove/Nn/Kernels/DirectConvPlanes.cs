using System.Runtime.CompilerServices;

namespace Groove.Nn.Kernels;

/// <summary>
/// The layout <see cref="DirectConv2dKernel"/> reads a stride-1 convolution's input in: each channel's plane
/// zero-padded to <see cref="Rows"/> × <see cref="Pitch"/> (padded row r, column p hold input row r − padTop,
/// column p − padLeft, zero outside the input), so that output (oh, ow) sits at position q = oh·Pitch + ow and reads
/// tap (c, i, j) at q + c·<see cref="Plane"/> + i·dh·Pitch + j·dw. The convolution becomes a 1-D correlation along q
/// with one offset per tap and no bounds tests; positions with ow ≥ Wout (the Pitch − Wout padding columns) are
/// computed and dropped. Padding may be negative (rows or columns cut off), as in a transposed convolution's.
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

    /// <summary>Positions up to and including the last output: (Hout − 1)·Pitch + Wout.</summary>
    public int Flat => (Hout - 1) * Pitch + Wout;

    /// <summary>Whether the padded planes of <paramref name="channels"/> channels can be addressed with int offsets.</summary>
    public bool Fits(int channels) => (long)channels * Rows * Pitch < int.MaxValue / 2;

    /// <summary>taps[(c·Kh + i)·Kw + j] = c·Plane + i·dh·Pitch + j·dw for <paramref name="channels"/> channels.</summary>
    public void FillTaps(int channels, int* taps)
    {
        int t = 0;
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < Kh; i++)
                for (int j = 0; j < Kw; j++)
                    taps[t++] = c * Plane + i * Dh * Pitch + j * Dw;
    }

    /// <summary>
    /// Pads planes [first, end) of <paramref name="src"/> ([planes][H][W]) into <paramref name="dst"/>, plane p at
    /// dst + p·<paramref name="dstPlane"/> (≥ <see cref="Plane"/>; the floats between Plane and dstPlane are zeroed).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Pad(float* src, int first, int end, float* dst, long dstPlane)
    {
        int pitch = Pitch, rows = Rows, plane = Plane;
        // Columns p in [lo, hi) hold input columns p − PadLeft; the rest of a padded row is zero.
        int lo = Math.Clamp(PadLeft, 0, pitch), hi = Math.Clamp(PadLeft + W, lo, pitch);
        for (int p = first; p < end; p++)
        {
            float* s = src + (long)p * H * W, d = dst + p * dstPlane;
            for (int r = 0; r < rows; r++, d += pitch)
            {
                int ih = r - PadTop;
                if ((uint)ih >= (uint)H)
                {
                    new Span<float>(d, pitch).Clear();
                    continue;
                }
                if (lo > 0) new Span<float>(d, lo).Clear();
                new ReadOnlySpan<float>(s + (long)ih * W + (lo - PadLeft), hi - lo).CopyTo(new Span<float>(d + lo, hi - lo));
                if (hi < pitch) new Span<float>(d + hi, pitch - hi).Clear();
            }
            if (dstPlane > plane) new Span<float>(dst + p * dstPlane + plane, (int)(dstPlane - plane)).Clear();
        }
    }
}
