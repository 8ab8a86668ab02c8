using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Groove.Nn;

internal enum BinaryOp { Add, Sub, Mul, Div, CopyA, Max, Min }

/// <summary>
/// Applies a binary operation to two contiguous tensors under NumPy broadcasting. Dimensions are coalesced so
/// the inner loop runs over the longest run that is either contiguous or broadcast (a scalar) in each operand,
/// and every run is one <see cref="TensorPrimitives"/> call — no per-element dispatch.
/// </summary>
internal static class BroadcastLoop
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Binary(BinaryOp op, Tensor a, Tensor b, int[]? outShape = null)
    {
        a = a.DataContiguous();
        b = b.DataContiguous();
        outShape ??= ShapeUtil.Broadcast(a.Dims, b.Dims);
        var result = Tensor.NewLike(outShape);
        if (ShapeUtil.SameShape(a.Dims, outShape) && ShapeUtil.SameShape(b.Dims, outShape))
        {
            Apply(op, a.RawSpan, false, b.RawSpan, false, result.RawSpan);
            return result;
        }
        int r = outShape.Length;
        Span<int> dims = stackalloc int[Math.Max(r, 1)];
        Span<int> sa = stackalloc int[Math.Max(r, 1)];
        Span<int> sb = stackalloc int[Math.Max(r, 1)];
        AlignStrides(a.Dims, outShape, sa);
        AlignStrides(b.Dims, outShape, sb);
        outShape.CopyTo(dims);
        // Coalesce adjacent dims (drop size-1 dims, merge when both operands stay linear across the pair).
        int n = 0;
        for (int i = 0; i < r; i++)
        {
            if (dims[i] == 1) continue;
            if (n > 0 && sa[n - 1] == sa[i] * dims[i] && sb[n - 1] == sb[i] * dims[i])
            {
                dims[n - 1] *= dims[i];
                sa[n - 1] = sa[i];
                sb[n - 1] = sb[i];
            }
            else { dims[n] = dims[i]; sa[n] = sa[i]; sb[n] = sb[i]; n++; }
        }
        var ad = a.Storage; var bd = b.Storage; int ao = a.Offset, bo = b.Offset;
        var od = result.Storage;
        if (n == 0) { Apply(op, ad.AsSpan(ao, 1), false, bd.AsSpan(bo, 1), false, od.AsSpan(0, 1)); return result; }
        int inner = dims[n - 1];
        bool aScalar = sa[n - 1] == 0, bScalar = sb[n - 1] == 0;
        int rows = result.Size / inner;
        Span<int> idx = stackalloc int[n];
        idx.Clear();
        int offA = ao, offB = bo, outOff = 0;
        for (int row = 0; row < rows; row++)
        {
            Apply(op, ad.AsSpan(offA, aScalar ? 1 : inner), aScalar, bd.AsSpan(offB, bScalar ? 1 : inner), bScalar,
                od.AsSpan(outOff, inner));
            outOff += inner;
            for (int i = n - 2; i >= 0; i--)
            {
                offA += sa[i]; offB += sb[i];
                if (++idx[i] < dims[i]) break;
                offA -= sa[i] * dims[i]; offB -= sb[i] * dims[i];
                idx[i] = 0;
            }
        }
        return result;
    }

    private static void AlignStrides(ReadOnlySpan<int> shape, ReadOnlySpan<int> outShape, Span<int> strides)
    {
        int r = outShape.Length, lead = r - shape.Length;
        int acc = 1;
        for (int i = r - 1; i >= 0; i--)
        {
            int d = i < lead ? 1 : shape[i - lead];
            strides[i] = d == 1 ? 0 : acc;
            acc *= d;
        }
    }

    public static void Apply(BinaryOp op, ReadOnlySpan<float> x, bool xs, ReadOnlySpan<float> y, bool ys, Span<float> o)
    {
        switch (op)
        {
            case BinaryOp.Add:
                if (xs && ys) o.Fill(x[0] + y[0]);
                else if (xs) TensorPrimitives.Add(y, x[0], o);
                else if (ys) TensorPrimitives.Add(x, y[0], o);
                else TensorPrimitives.Add(x, y, o);
                break;
            case BinaryOp.Sub:
                if (xs && ys) o.Fill(x[0] - y[0]);
                else if (xs) TensorPrimitives.Subtract(x[0], y, o);
                else if (ys) TensorPrimitives.Subtract(x, y[0], o);
                else TensorPrimitives.Subtract(x, y, o);
                break;
            case BinaryOp.Mul:
                if (xs && ys) o.Fill(x[0] * y[0]);
                else if (xs) TensorPrimitives.Multiply(y, x[0], o);
                else if (ys) TensorPrimitives.Multiply(x, y[0], o);
                else TensorPrimitives.Multiply(x, y, o);
                break;
            case BinaryOp.Div:
                if (xs && ys) o.Fill(x[0] / y[0]);
                else if (xs) TensorPrimitives.Divide(x[0], y, o);
                else if (ys) TensorPrimitives.Divide(x, y[0], o);
                else TensorPrimitives.Divide(x, y, o);
                break;
            case BinaryOp.Max:
                if (xs && ys) o.Fill(MathF.Max(x[0], y[0]));
                else if (xs) TensorPrimitives.Max(y, x[0], o);
                else if (ys) TensorPrimitives.Max(x, y[0], o);
                else TensorPrimitives.Max(x, y, o);
                break;
            case BinaryOp.Min:
                if (xs && ys) o.Fill(MathF.Min(x[0], y[0]));
                else if (xs) TensorPrimitives.Min(y, x[0], o);
                else if (ys) TensorPrimitives.Min(x, y[0], o);
                else TensorPrimitives.Min(x, y, o);
                break;
            case BinaryOp.CopyA:
                if (xs) o.Fill(x[0]); else x.CopyTo(o);
                break;
        }
    }
}
