using System.Runtime.CompilerServices;
namespace Groove.Nn;

/// <summary>Zero padding of a 2-D convolution, possibly asymmetric.</summary>
public readonly record struct ConvPadding(int Top, int Bottom, int Left, int Right)
{
    public static ConvPadding Symmetric(int h, int w) => new(h, h, w, w);

    /// <summary>
    /// "Same" padding: output size ⌈in/stride⌉. Total padding (k−1)·d + 1 − … is split with the extra element
    /// after (as PyTorch's padding='same' and TensorFlow do).
    /// </summary>
    internal static (int before, int after) Same(int size, int k, int stride, int dilation)
    {
        int outSize = (size + stride - 1) / stride;
        int total = Math.Max((outSize - 1) * stride + (k - 1) * dilation + 1 - size, 0);
        return (total / 2, total - total / 2);
    }
}

/// <summary>Padding style for convolutions.</summary>
public enum ConvPadMode
{
    /// <summary>The explicit zero padding given.</summary>
    Zeros,
    /// <summary>The explicit padding given, filled by repeating edge values.</summary>
    Replicate,
    /// <summary>Zero padding so that output length = ⌈input/stride⌉.</summary>
    Same,
    /// <summary>"Same" output size, filled by repeating edge values.</summary>
    SameReplicate,
}

public static partial class Functional
{
    // The one place convolution math is dispatched. Kernels are tried in order; the first that supports a
    // geometry runs it. Faster kernels (Nn/Kernels) are added in front of the im2col fallback.
    private static readonly IConv2dKernel[] ConvKernels =
        [new Kernels.DepthwiseConv2dKernel(), new Kernels.DirectConv2dKernel(), new Kernels.PhaseSplitConv2dKernel(),
         new Kernels.ImplicitGemmConv2dKernel(), new Im2ColConv2dKernel()];

    private static IConv2dKernel ConvKernelFor(in Conv2dGeometry g)
    {
        foreach (var k in ConvKernels) if (k.Supports(g)) return k;
        throw new InvalidOperationException("No convolution kernel supports this geometry.");
    }

    /// <summary>
    /// 2-D convolution (cross-correlation, as PyTorch): x [N, Cin, H, W], weight [Cout, Cin/groups, Kh, Kw],
    /// bias [Cout]. Groups = Cin gives a depthwise convolution.
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, (int h, int w)? stride = null,
        ConvPadding padding = default, (int h, int w)? dilation = null, int groups = 1, ConvPadMode mode = ConvPadMode.Zeros)
    {
        var (sh, sw) = stride ?? (1, 1);
        var (dh, dw) = dilation ?? (1, 1);
        if (x.Rank != 4) throw new ArgumentException($"Conv2d expects input [N, C, H, W], got {ShapeUtil.Str(x.Shape)}.");
        if (weight.Rank != 4) throw new ArgumentException($"Conv2d expects weight [Cout, Cin/groups, Kh, Kw], got {ShapeUtil.Str(weight.Shape)}.");
        int kh = weight.Dim(2), kw = weight.Dim(3);
        if (mode is ConvPadMode.Same or ConvPadMode.SameReplicate)
        {
            var (t, b) = ConvPadding.Same(x.Dim(2), kh, sh, dh);
            var (l, r) = ConvPadding.Same(x.Dim(3), kw, sw, dw);
            padding = new ConvPadding(t, b, l, r);
        }
        if (mode is ConvPadMode.Replicate or ConvPadMode.SameReplicate && padding != default)
        {
            x = x.Pad([0, 0, padding.Top, padding.Left], [0, 0, padding.Bottom, padding.Right], PadMode.Replicate);
            padding = default;
        }
        return Conv2dCore(x, weight, bias, sh, sw, dh, dw, padding, groups);
    }

    /// <summary>1-D convolution: x [N, Cin, L], weight [Cout, Cin/groups, K], bias [Cout].</summary>
    public static Tensor Conv1d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0,
        int dilation = 1, int groups = 1, ConvPadMode mode = ConvPadMode.Zeros)
    {
        if (x.Rank != 3) throw new ArgumentException($"Conv1d expects input [N, C, L], got {ShapeUtil.Str(x.Shape)}.");
        if (weight.Rank != 3) throw new ArgumentException($"Conv1d expects weight [Cout, Cin/groups, K], got {ShapeUtil.Str(weight.Shape)}.");
        var y = Conv2d(x.Unsqueeze(2), weight.Unsqueeze(2), bias, (1, stride), new ConvPadding(0, 0, padding, padding),
            (1, dilation), groups, mode);
        return y.Squeeze(2);
    }

    private static Tensor Conv2dCore(Tensor x, Tensor weight, Tensor? bias, int sh, int sw, int dh, int dw, ConvPadding pad, int groups)
    {
        int n = x.Dim(0), cin = x.Dim(1), h = x.Dim(2), wd = x.Dim(3);
        int cout = weight.Dim(0), kh = weight.Dim(2), kw = weight.Dim(3);
        if (groups < 1 || cin % groups != 0 || cout % groups != 0)
            throw new ArgumentException($"Conv: channels ({cin} in, {cout} out) are not divisible by groups={groups}.");
        if (weight.Dim(1) != cin / groups)
            throw new ArgumentException($"Conv: weight {ShapeUtil.Str(weight.Shape)} expects {weight.Dim(1) * groups} input channels, input has {cin}.");
        if (bias != null && (bias.Rank != 1 || bias.Dim(0) != cout)) throw new ArgumentException($"Conv: bias must have shape ({cout}).");
        if (sh < 1 || sw < 1 || dh < 1 || dw < 1) throw new ArgumentException("Conv: stride and dilation must be ≥ 1.");
        int hout = (h + pad.Top + pad.Bottom - dh * (kh - 1) - 1) / sh + 1;
        int wout = (wd + pad.Left + pad.Right - dw * (kw - 1) - 1) / sw + 1;
        if (hout <= 0 || wout <= 0)
            throw new ArgumentException($"Conv: input {h}×{wd} is smaller than the (dilated) kernel {kh}×{kw}.");
        var g = new Conv2dGeometry(n, cin, h, wd, cout, kh, kw, sh, sw, dh, dw, pad.Top, pad.Left, hout, wout, groups);
        var kernel = ConvKernelFor(g);
        // Every IConv2dKernel overwrites its outputs in full: y, gx, gw and gb need no clearing.
        var xc = x.DataContiguous(); var wc = weight.DataContiguous();
        var y = Tensor.NewUninitialized([n, cout, hout, wout]);
        kernel.Forward(g, xc.RawSpan, wc.RawSpan, bias != null ? bias.DataContiguous().RawSpan : default, y.RawSpan);
        if (Autograd.ShouldRecord(x, weight, bias))
            Autograd.Record(y, bias != null ? new[] { x, weight, bias } : new[] { x, weight }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (gy) =>
            {
                var gyc = gy.DataContiguous();
                Tensor? gx = null, gw = null, gb = null;
                if (x.RequiresGrad)
                {
                    gx = Tensor.NewUninitialized(x.ShapeArray);
                    kernel.BackwardData(g, gyc.RawSpan, wc.RawSpan, gx.RawSpan);
                }
                if (weight.RequiresGrad || (bias?.RequiresGrad ?? false))
                {
                    gw = Tensor.NewUninitialized(weight.ShapeArray);
                    gb = bias != null ? Tensor.NewUninitialized(bias.ShapeArray) : null;
                    kernel.BackwardWeight(g, xc.RawSpan, gyc.RawSpan, gw.RawSpan, gb != null ? gb.RawSpan : default);
                }
                return bias != null ? new[] { gx, gw, gb } : new[] { gx, gw };
            });
        return y;
    }
}
