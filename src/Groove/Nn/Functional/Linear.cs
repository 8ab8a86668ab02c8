using System.Runtime.CompilerServices;
using Groove.Nn.Kernels;
using System.Numerics.Tensors;

namespace Groove.Nn;

/// <summary>Differentiable neural-network operations (PyTorch's <c>torch.nn.functional</c> counterpart).</summary>
public static partial class Functional
{
    /// <summary>y = x·Wᵀ + b over the last dim: x [..., in], weight [out, in], bias [out].</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        int outF = weight.Dim(0), inF = weight.Dim(1);
        if (x.Dim(-1) != inF) throw new ArgumentException($"Linear: input {ShapeUtil.Str(x.Shape)} does not end in {inF} features.");
        var xc = x.DataContiguous(); var wc = weight.DataContiguous();
        int rows = x.Size / Math.Max(inF, 1);
        int[] shape = [.. x.Shape[..^1], outF];
        var o = Tensor.NewLike(shape);
        var os = o.RawSpan;
        if (bias != null)
        {
            var bs = bias.DataContiguous().RawSpan;
            for (int r = 0; r < rows; r++) bs.CopyTo(os.Slice(r * outF, outF));
        }
        if (rows > 0) Sgemm.Multiply(false, true, rows, outF, inF, 1f, xc.RawSpan, inF, wc.RawSpan, inF, bias != null ? 1f : 0f, os, outF);
        if (Autograd.ShouldRecord(x, weight, bias))
            Autograd.Record(o, bias != null ? new[] { x, weight, bias } : new[] { x, weight }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                var gs = g.DataContiguous().RawSpan;
                Tensor? gx = null, gw = null, gb = null;
                if (x.RequiresGrad)
                {
                    gx = Tensor.NewLike(x.ShapeArray);
                    Sgemm.Multiply(false, false, rows, inF, outF, 1f, gs, outF, wc.RawSpan, inF, 0f, gx.RawSpan, inF);
                }
                if (weight.RequiresGrad)
                {
                    gw = Tensor.NewLike(weight.ShapeArray);
                    Sgemm.Multiply(true, false, outF, inF, rows, 1f, gs, outF, xc.RawSpan, inF, 0f, gw.RawSpan, inF);
                }
                if (bias != null && bias.RequiresGrad)
                {
                    gb = Tensor.NewLike(bias.ShapeArray);
                    Reductions.SumAxis(gs, 1, rows, outF, gb.RawSpan);
                }
                return bias != null ? new[] { gx, gw, gb } : new[] { gx, gw };
            });
        return o;
    }
}
