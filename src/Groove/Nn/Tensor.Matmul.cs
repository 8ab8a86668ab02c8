using System.Runtime.CompilerServices;
using Groove.Nn.Kernels;

namespace Groove.Nn;

public sealed partial class Tensor
{
    /// <summary>
    /// Matrix product over the last two dims: [..., M, K] × [K, N] or batched [B..., M, K] × [B..., K, N]
    /// (batch dims broadcast). Runs on <c>Sgemm.Multiply</c>.
    /// </summary>
    public Tensor Matmul(Tensor b)
    {
        var a = this;
        if (a.Rank < 2 || b.Rank < 2) throw new ArgumentException($"Matmul needs rank ≥ 2 operands, got {ShapeUtil.Str(a.Dims)} and {ShapeUtil.Str(b.Dims)}.");
        int m = a.Dims[^2], k = a.Dims[^1], n = b.Dims[^1];
        if (b.Dims[^2] != k) throw new ArgumentException($"Matmul: inner dims differ in {ShapeUtil.Str(a.Dims)} × {ShapeUtil.Str(b.Dims)}.");
        if (b.Rank == 2) return MatmulShared(a, b, m, k, n);
        var aBatch = a.Dims[..^2]; var bBatch = b.Dims[..^2];
        var batch = ShapeUtil.Broadcast(aBatch, bBatch);
        if (!ShapeUtil.SameShape(aBatch, batch)) a = a.Expand([.. batch, m, k]);
        if (!ShapeUtil.SameShape(bBatch, batch)) b = b.Expand([.. batch, k, n]);
        return MatmulBatched(a, b, ShapeUtil.Numel(batch), m, k, n, batch);
    }

    private static Tensor MatmulShared(Tensor a, Tensor b, int m, int k, int n)
    {
        var ac = a.DataContiguous(); var bc = b.DataContiguous();
        int rows = a.Size / Math.Max(k, 1);
        int[] shape = [.. a.Dims[..^1], n];
        var o = NewLike(shape);
        if (rows > 0 && n > 0)
            Sgemm.Multiply(false, false, rows, n, k, 1f, ac.RawSpan, k, bc.RawSpan, n, 0f, o.RawSpan, n);
        if (Autograd.ShouldRecord(a, b))
            Autograd.Record(o, new[] { a, b }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                var gc = g.DataContiguous();
                Tensor? ga = null, gb = null;
                if (a.RequiresGrad)
                {
                    ga = NewLike(a.ShapeArray);
                    Sgemm.Multiply(false, true, rows, k, n, 1f, gc.RawSpan, n, bc.RawSpan, n, 0f, ga.RawSpan, k);
                }
                if (b.RequiresGrad)
                {
                    gb = NewLike(b.ShapeArray);
                    Sgemm.Multiply(true, false, k, n, rows, 1f, ac.RawSpan, k, gc.RawSpan, n, 0f, gb.RawSpan, n);
                }
                return new[] { ga, gb };
            });
        return o;
    }

    private static Tensor MatmulBatched(Tensor a, Tensor b, int batches, int m, int k, int n, int[] batch)
    {
        var ac = a.DataContiguous(); var bc = b.DataContiguous();
        var o = NewLike([.. batch, m, n]);
        for (int i = 0; i < batches; i++)
            Sgemm.Multiply(false, false, m, n, k, 1f, ac.RawSpan.Slice(i * m * k, m * k), k,
                bc.RawSpan.Slice(i * k * n, k * n), n, 0f, o.RawSpan.Slice(i * m * n, m * n), n);
        if (Autograd.ShouldRecord(a, b))
            Autograd.Record(o, new[] { a, b }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                var gc = g.DataContiguous();
                Tensor? ga = a.RequiresGrad ? NewLike(a.ShapeArray) : null;
                Tensor? gb = b.RequiresGrad ? NewLike(b.ShapeArray) : null;
                for (int i = 0; i < batches; i++)
                {
                    var gi = gc.RawSpan.Slice(i * m * n, m * n);
                    if (ga != null)
                        Sgemm.Multiply(false, true, m, k, n, 1f, gi, n, bc.RawSpan.Slice(i * k * n, k * n), n, 0f, ga.RawSpan.Slice(i * m * k, m * k), k);
                    if (gb != null)
                        Sgemm.Multiply(true, false, k, n, m, 1f, ac.RawSpan.Slice(i * m * k, m * k), k, gi, n, 0f, gb.RawSpan.Slice(i * k * n, k * n), n);
                }
                return new[] { ga, gb };
            });
        return o;
    }
}
