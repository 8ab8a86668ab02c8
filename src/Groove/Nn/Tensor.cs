using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Groove.Nn;

/// <summary>
/// An n-dimensional float32 array with optional gradient tracking. Storage is a flat <c>float[]</c>; a tensor is a
/// view into it given by an offset, a shape and element strides, so reshape (of contiguous data), permute and
/// slice make no copies. Operations that need contiguous data call <see cref="Contiguous"/>, which copies only
/// when the view is strided.
/// </summary>
public sealed partial class Tensor
{
    internal readonly float[] Storage;
    internal readonly int Offset;
    internal readonly int[] Dims;
    internal readonly int[] Strides;

    /// <summary>Number of elements.</summary>
    public int Size { get; }

    /// <summary>The gradient accumulated by <see cref="Backward"/> (leaves only).</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The operation that produced this tensor, when it was recorded for autograd.</summary>
    internal Node? GradFn { get; set; }

    private bool _requiresGrad;

    /// <summary>
    /// True when gradients flow to or through this tensor. Settable on leaves (tensors no recorded operation made).
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (GradFn != null && !value) throw new InvalidOperationException("RequiresGrad can only be cleared on leaf tensors; use Detach().");
            _requiresGrad = value;
        }
    }

    /// <summary>True when this tensor was not produced by a recorded operation.</summary>
    public bool IsLeaf => GradFn == null;

    internal Tensor(float[] storage, int offset, int[] shape, int[] strides)
    {
        Storage = storage;
        Offset = offset;
        Dims = shape;
        Strides = strides;
        Size = ShapeUtil.Numel(shape);
    }

    internal Tensor(float[] storage, int[] shape) : this(storage, 0, shape, ShapeUtil.ContiguousStrides(shape)) { }

    /// <summary>The shape (do not modify the returned array).</summary>
    public ReadOnlySpan<int> Shape => Dims;

    /// <summary>A copy of the shape.</summary>
    public int[] ShapeArray => (int[])Dims.Clone();

    public int Rank => Dims.Length;

    /// <summary>Length of dimension <paramref name="axis"/> (negative counts from the end).</summary>
    public int Dim(int axis) => Dims[ShapeUtil.Axis(axis, Dims.Length)];

    public bool IsContiguous
    {
        get
        {
            int expected = 1;
            for (int i = Dims.Length - 1; i >= 0; i--)
            {
                if (Dims[i] != 1 && Strides[i] != expected) return false;
                expected *= Dims[i];
            }
            return true;
        }
    }

    /// <summary>The elements of a contiguous tensor, writable. Throws for strided views.</summary>
    public Span<float> Span
    {
        get
        {
            if (!IsContiguous) throw new InvalidOperationException("Span needs a contiguous tensor; call Contiguous() first.");
            return Storage.AsSpan(Offset, Size);
        }
    }

    internal Span<float> RawSpan => Storage.AsSpan(Offset, Size);

    /// <summary>Copies the elements out in row-major order.</summary>
    public float[] ToArray() => Contiguous().RawSpan.ToArray();

    /// <summary>The single value of a one-element tensor.</summary>
    public float Item()
    {
        if (Size != 1) throw new InvalidOperationException($"Item() needs one element, tensor has {Size}.");
        return Storage[Offset];
    }

    /// <summary>Element at a full index (slow; for tests and small lookups).</summary>
    [IndexerName("Element")]
    public float this[params int[] index]
    {
        get => Storage[FlatIndex(index)];
        set => Storage[FlatIndex(index)] = value;
    }

    private int FlatIndex(int[] index)
    {
        if (index.Length != Dims.Length) throw new ArgumentException($"Index has {index.Length} dims, tensor has {Dims.Length}.");
        int o = Offset;
        for (int i = 0; i < index.Length; i++)
        {
            if ((uint)index[i] >= (uint)Dims[i]) throw new IndexOutOfRangeException();
            o += index[i] * Strides[i];
        }
        return o;
    }

    public override string ToString() => $"Tensor({string.Join("×", Dims)}{(RequiresGrad ? ", requiresGrad" : "")})";

    // ---------------------------------------------------------------- factories

    public static Tensor Zeros(params int[] shape) => new(new float[ShapeUtil.Numel(shape)], (int[])shape.Clone());

    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    public static Tensor Full(float value, params int[] shape)
    {
        var t = Zeros(shape);
        t.RawSpan.Fill(value);
        return t;
    }

    public static Tensor Scalar(float value) => new(new[] { value }, Array.Empty<int>());

    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static Tensor From(ReadOnlySpan<float> data, params int[] shape)
    {
        if (ShapeUtil.Numel(shape) != data.Length)
            throw new ArgumentException($"Shape ({string.Join(",", shape)}) does not hold {data.Length} values.");
        return new Tensor(data.ToArray(), (int[])shape.Clone());
    }

    /// <summary>A tensor that wraps <paramref name="data"/> without copying.</summary>
    public static Tensor Wrap(float[] data, params int[] shape)
    {
        if (ShapeUtil.Numel(shape) != data.Length)
            throw new ArgumentException($"Shape ({string.Join(",", shape)}) does not hold {data.Length} values.");
        return new Tensor(data, (int[])shape.Clone());
    }

    /// <summary>Standard normal values drawn from <paramref name="rng"/>.</summary>
    public static Tensor Randn(Rng rng, params int[] shape)
    {
        var t = Zeros(shape);
        rng.FillNormal(t.RawSpan);
        return t;
    }

    /// <summary>Uniform values in [lo, hi) drawn from <paramref name="rng"/>.</summary>
    public static Tensor Uniform(Rng rng, float lo, float hi, params int[] shape)
    {
        var t = Zeros(shape);
        rng.FillUniform(t.RawSpan, lo, hi);
        return t;
    }

    /// <summary>A tensor of the same shape, filled with zeros.</summary>
    public Tensor ZerosLike() => Zeros(Dims);

    // ---------------------------------------------------------------- copies and views

    /// <summary>This tensor when contiguous, else a contiguous copy (recorded for autograd).</summary>
    public Tensor Contiguous()
    {
        if (IsContiguous) return this;
        var result = NewLike((int[])Dims.Clone());
        StridedCopy(this, result.Storage, 0);
        if (Autograd.ShouldRecord(this))
            Autograd.Record(result, new[] { this }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) => new[] { g });
        return result;
    }

    /// <summary>A contiguous copy that shares no storage with this tensor (recorded for autograd).</summary>
    public Tensor Clone()
    {
        var result = NewLike((int[])Dims.Clone());
        StridedCopy(this, result.Storage, 0);
        if (Autograd.ShouldRecord(this))
            Autograd.Record(result, new[] { this }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) => new[] { g });
        return result;
    }

    /// <summary>A tensor sharing storage with this one but cut from the autograd graph.</summary>
    public Tensor Detach() => new(Storage, Offset, Dims, Strides);

    /// <summary>Copies <paramref name="src"/>'s values into this tensor in place (shapes must have equal sizes; not recorded).</summary>
    public void CopyFrom(Tensor src)
    {
        if (src.Size != Size) throw new ArgumentException($"CopyFrom: sizes differ ({src.Size} vs {Size}).");
        if (IsContiguous) { StridedCopy(src, Storage, Offset); return; }
        throw new InvalidOperationException("CopyFrom needs a contiguous destination.");
    }

    /// <summary>Copies any (possibly strided) view into dst[dstOffset..] in row-major order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void StridedCopy(Tensor src, float[] dst, int dstOffset)
    {
        if (src.IsContiguous)
        {
            src.Storage.AsSpan(src.Offset, src.Size).CopyTo(dst.AsSpan(dstOffset, src.Size));
            return;
        }
        int rank = src.Dims.Length;
        int inner = src.Dims[rank - 1];
        int innerStride = src.Strides[rank - 1];
        int rows = src.Size / Math.Max(inner, 1);
        if (inner == 0) return;
        if (innerStride != 1 && inner > 1 && TransposeCopy(src, dst, dstOffset)) return;
        Span<int> idx = stackalloc int[rank];
        int d = dstOffset;
        for (int r = 0; r < rows; r++)
        {
            int o = src.Offset;
            for (int i = 0; i < rank - 1; i++) o += idx[i] * src.Strides[i];
            if (innerStride == 1) src.Storage.AsSpan(o, inner).CopyTo(dst.AsSpan(d, inner));
            else for (int j = 0; j < inner; j++) dst[d + j] = src.Storage[o + j * innerStride];
            d += inner;
            for (int i = rank - 2; i >= 0; i--)
            {
                if (++idx[i] < src.Dims[i]) break;
                idx[i] = 0;
            }
        }
    }

    /// <summary>
    /// Copy of a view whose last dim is strided but some other dim k is unit-stride (a permuted layout, e.g.
    /// NCHW → NHWC): a batch of 2-D transposes over (k, last), done in 32×32 tiles so reads and writes stay in cache.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TransposeCopy(Tensor src, float[] dst, int dstOffset)
    {
        int rank = src.Dims.Length, last = rank - 1, k = -1;
        for (int i = 0; i < last; i++) if (src.Strides[i] == 1 && src.Dims[i] > 1) { k = i; break; }
        if (k < 0) return false;
        var dstStr = ShapeUtil.ContiguousStrides(src.Dims);
        int nk = src.Dims[k], nj = src.Dims[last], sj = src.Strides[last], dk = dstStr[k];
        int batches = src.Size / (nk * nj);
        Span<int> idx = stackalloc int[rank];
        idx.Clear();
        var sd = src.Storage;
        const int Tile = 32;
        for (int bt = 0; bt < batches; bt++)
        {
            int so = src.Offset, dof = dstOffset;
            for (int i = 0; i < last; i++)
                if (i != k) { so += idx[i] * src.Strides[i]; dof += idx[i] * dstStr[i]; }
            for (int k0 = 0; k0 < nk; k0 += Tile)
            {
                int k1 = Math.Min(k0 + Tile, nk);
                for (int j0 = 0; j0 < nj; j0 += Tile)
                {
                    int j1 = Math.Min(j0 + Tile, nj);
                    for (int kk = k0; kk < k1; kk++)
                    {
                        int sBase = so + kk, dBase = dof + kk * dk;
                        for (int j = j0; j < j1; j++) dst[dBase + j] = sd[sBase + j * sj];
                    }
                }
            }
            for (int i = last - 1; i >= 0; i--)
            {
                if (i == k) continue;
                if (++idx[i] < src.Dims[i]) break;
                idx[i] = 0;
            }
        }
        return true;
    }

    /// <summary>Fills this (contiguous) tensor with zeros in place.</summary>
    public void ZeroInPlace() => Span.Clear();

    /// <summary>Zeroes a parameter's gradient in place (or drops a non-contiguous one).</summary>
    internal static void ZeroGradOf(Tensor p)
    {
        if (p.Grad == null) return;
        if (p.Grad.IsContiguous && p.Grad.Storage.Length == p.Grad.Size && p.Grad.Offset == 0) p.Grad.RawSpan.Clear();
        else p.Grad = null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor NewLike(int[] shape) => new(TensorArena.Rent(ShapeUtil.Numel(shape)), shape);

    /// <summary>As <see cref="NewLike"/> with unspecified contents, for an operation's output that it overwrites in
    /// full (the arena's recycled buffer is not cleared first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor NewUninitialized(int[] shape) => new(TensorArena.RentUninitialized(ShapeUtil.Numel(shape)), shape);

    /// <summary>A contiguous heap copy (never from an arena), not recorded.</summary>
    internal Tensor HeapCopy()
    {
        var r = new Tensor(new float[Size], (int[])Dims.Clone());
        StridedCopy(this, r.Storage, 0);
        return r;
    }

    /// <summary>Adds <paramref name="other"/> (same size) into this contiguous tensor in place; not recorded.</summary>
    internal void AddInPlace(Tensor other)
    {
        var o = other.Contiguous();
        TensorPrimitives.Add(RawSpan, o.RawSpan, RawSpan);
    }
}
