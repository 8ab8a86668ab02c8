namespace Groove.Nn.Kernels;

/// <summary>
/// <see cref="IConv2dKernel"/> for depthwise convolutions (groups = Cin = Cout), running
/// <see cref="DepthwiseConv2d"/>'s direct kernels instead of im2col + GEMM.
/// </summary>
internal sealed class DepthwiseConv2dKernel : IConv2dKernel
{
    public bool Supports(in Conv2dGeometry g) => g.Groups == g.Cin && g.Cout == g.Cin && g.Groups > 1;

    static DepthwiseConv2d.Shape ShapeOf(in Conv2dGeometry g) => new(g.N, g.Cin, g.H, g.W, g.Kh, g.Kw, g.StrideH,
        g.StrideW, g.DilationH, g.DilationW, g.PadTop, g.PadLeft, g.Hout, g.Wout);

    public void Forward(in Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        Span<float> y) => DepthwiseConv2d.Forward(ShapeOf(g), x, w, bias, y);

    public void BackwardData(in Conv2dGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx)
        => DepthwiseConv2d.BackwardData(ShapeOf(g), gy, w, gx);

    public void BackwardWeight(in Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gw,
        Span<float> gb) => DepthwiseConv2d.BackwardWeight(ShapeOf(g), x, gy, gw, gb);
}
