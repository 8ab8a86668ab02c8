namespace Groove.Nn;

/// <summary>
/// Shape of one 2-D convolution (1-D convolutions are 2-D ones with H = 1). Layouts are NCHW for input and output
/// and [Cout, Cin/groups, Kh, Kw] for weights, all contiguous row-major. Zero padding may be asymmetric: the
/// bottom/right padding is implied by Hout/Wout.
/// </summary>
internal readonly record struct Conv2dGeometry(
    int N, int Cin, int H, int W, int Cout, int Kh, int Kw,
    int StrideH, int StrideW, int DilationH, int DilationW,
    int PadTop, int PadLeft, int Hout, int Wout, int Groups)
{
    public int CinPerGroup => Cin / Groups;
    public int CoutPerGroup => Cout / Groups;
    /// <summary>Rows of the im2col matrix (one group): Cin/groups · Kh · Kw.</summary>
    public int PatchSize => CinPerGroup * Kh * Kw;
    public int OutPlane => Hout * Wout;
    public int InPlane => H * W;
}

/// <summary>
/// A convolution implementation. <see cref="Functional"/>'s Conv entry point (Conv.cs) asks each registered
/// kernel in order whether it supports a geometry and uses the first that does; faster kernels (direct depthwise,
/// Winograd, …) plug in by being added to that list.
/// </summary>
internal interface IConv2dKernel
{
    bool Supports(in Conv2dGeometry g);

    /// <summary>y = conv(x, w) + bias (bias empty = none); y is overwritten.</summary>
    void Forward(in Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y);

    /// <summary>gx = ∂L/∂x given gy; gx is overwritten.</summary>
    void BackwardData(in Conv2dGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx);

    /// <summary>gw (and gb when not empty) = ∂L/∂w, ∂L/∂b given x and gy; both are overwritten.</summary>
    void BackwardWeight(in Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gw, Span<float> gb);
}
