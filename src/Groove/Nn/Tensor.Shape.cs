using System.Runtime.CompilerServices;
namespace Groove.Nn;

/// <summary>How <see cref="Tensor.Pad"/> fills the border.</summary>
public enum PadMode
{
    /// <summary>A constant value (zero by default).</summary>
    Constant,
    /// <summary>Repeats the edge element (PyTorch's "replicate").</summary>
    Replicate,
}

public sealed partial class Tensor
{
    /// <summary>Same data, new shape (one dim may be −1). A view when contiguous, else a copy.</summary>
    public Tensor Reshape(params int[] shape)
    {
        shape = (int[])shape.Clone();
        int infer = -1, known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException("Reshape: only one dim can be -1.");
                infer = i;
            }
            else known *= shape[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || Size % known != 0) throw new ArgumentException($"Reshape: cannot reshape {ShapeUtil.Str(Dims)} to {ShapeUtil.Str(shape)}.");
            shape[infer] = Size / known;
        }
        if (ShapeUtil.Numel(shape) != Size) throw new ArgumentException($"Reshape: cannot reshape {ShapeUtil.Str(Dims)} to {ShapeUtil.Str(shape)}.");
        if (ShapeUtil.SameShape(shape, Dims)) return this;
        var src = Contiguous();
        var o = new Tensor(src.Storage, src.Offset, shape, ShapeUtil.ContiguousStrides(shape));
        if (Autograd.ShouldRecord(src))
        {
            var back = src.Dims;
            Autograd.Record(o, new[] { src }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) => new[] { g.Reshape(back) });
        }
        return o;
    }

    /// <summary>Reorders dims (a view: no copy).</summary>
    public Tensor Permute(params int[] perm)
    {
        if (perm.Length != Rank) throw new ArgumentException($"Permute needs {Rank} axes.");
        var shape = new int[Rank];
        var strides = new int[Rank];
        var seen = new bool[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int a = ShapeUtil.Axis(perm[i], Rank);
            if (seen[a]) throw new ArgumentException("Permute: repeated axis.");
            seen[a] = true;
            shape[i] = Dims[a];
            strides[i] = Strides[a];
            perm[i] = a;
        }
        var o = new Tensor(Storage, Offset, shape, strides);
        if (Autograd.ShouldRecord(this))
        {
            var inv = new int[Rank];
            for (int i = 0; i < Rank; i++) inv[perm[i]] = i;
            Autograd.Record(o, new[] { this }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) => new[] { g.Permute(inv) });
        }
        return o;
    }

    /// <summary>Swaps two dims (a view).</summary>
    public Tensor Transpose(int a, int b)
    {
        var perm = Enumerable.Range(0, Rank).ToArray();
        a = ShapeUtil.Axis(a, Rank); b = ShapeUtil.Axis(b, Rank);
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(perm);
    }

    public Tensor Unsqueeze(int axis)
    {
        int a = ShapeUtil.Axis(axis, Rank + 1);
        var shape = new List<int>(Dims);
        shape.Insert(a, 1);
        return Reshape(shape.ToArray());
    }

    public Tensor Squeeze(int axis)
    {
        int a = ShapeUtil.Axis(axis, Rank);
        if (Dims[a] != 1) throw new ArgumentException($"Squeeze: dim {axis} has size {Dims[a]}, not 1.");
        var shape = new List<int>(Dims);
        shape.RemoveAt(a);
        return Reshape(shape.ToArray());
    }

    /// <summary>Merges dims [start, end] into one.</summary>
    public Tensor Flatten(int start = 0, int end = -1)
    {
        int s = ShapeUtil.Axis(start, Rank), e = ShapeUtil.Axis(end, Rank);
        var shape = new List<int>();
        for (int i = 0; i < s; i++) shape.Add(Dims[i]);
        shape.Add(ShapeUtil.Prod(Dims, s, e + 1));
        for (int i = e + 1; i < Rank; i++) shape.Add(Dims[i]);
        return Reshape(shape.ToArray());
    }

    /// <summary>Elements [start, start+length) along <paramref name="axis"/> (a view).</summary>
    public Tensor Narrow(int axis, int start, int length)
    {
        int a = ShapeUtil.Axis(axis, Rank);
        if (start < 0 || length < 0 || start + length > Dims[a])
            throw new ArgumentOutOfRangeException(nameof(start), $"Narrow [{start}, {start + length}) outside dim of size {Dims[a]}.");
        var shape = ShapeArray; shape[a] = length;
        var o = new Tensor(Storage, Offset + start * Strides[a], shape, (int[])Strides.Clone());
        if (Autograd.ShouldRecord(this))
        {
            var full = ShapeArray;
            Autograd.Record(o, new[] { this }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                var gi = NewLike((int[])full.Clone());
                var view = new Tensor(gi.Storage, start * gi.Strides[a], g.ShapeArray, gi.Strides);
                CopyInto(g, view);
                return new[] { gi };
            });
        }
        return o;
    }

    /// <summary>Crops: elements [start[i], start[i]+length[i]) on every axis (a view).</summary>
    public Tensor Crop(int[] start, int[] length)
    {
        if (start.Length != Rank || length.Length != Rank) throw new ArgumentException("Crop needs start and length for every axis.");
        var t = this;
        for (int i = 0; i < Rank; i++)
            if (start[i] != 0 || length[i] != Dims[i]) t = t.Narrow(i, start[i], length[i]);
        return t;
    }

    /// <summary>Copies src (any layout) into the (possibly strided) dst view of the same shape.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void CopyInto(Tensor src, Tensor dst)
    {
        if (dst.IsContiguous) { StridedCopy(src, dst.Storage, dst.Offset); return; }
        var s = src.DataContiguous();
        int rank = dst.Rank;
        Span<int> idx = stackalloc int[Math.Max(rank, 1)];
        idx.Clear();
        var ss = s.RawSpan;
        for (int i = 0; i < ss.Length; i++)
        {
            int o = dst.Offset;
            for (int d = 0; d < rank; d++) o += idx[d] * dst.Strides[d];
            dst.Storage[o] = ss[i];
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++idx[d] < dst.Dims[d]) break;
                idx[d] = 0;
            }
        }
    }

    /// <summary>Joins tensors along <paramref name="axis"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Concat(IReadOnlyList<Tensor> parts, int axis)
    {
        if (parts.Count == 0) throw new ArgumentException("Concat of nothing.");
        int rank = parts[0].Rank, a = ShapeUtil.Axis(axis, rank);
        var shape = parts[0].ShapeArray;
        int total = 0;
        foreach (var p in parts)
        {
            if (p.Rank != rank) throw new ArgumentException("Concat: ranks differ.");
            for (int i = 0; i < rank; i++)
                if (i != a && p.Dims[i] != shape[i]) throw new ArgumentException($"Concat: shapes {ShapeUtil.Str(parts[0].Dims)} and {ShapeUtil.Str(p.Dims)} differ off axis {axis}.");
            total += p.Dims[a];
        }
        shape[a] = total;
        var o = NewLike(shape);
        int outer = ShapeUtil.Prod(shape, 0, a), inner = ShapeUtil.Prod(shape, a + 1, rank);
        int offset = 0;
        foreach (var p in parts)
        {
            var pc = p.DataContiguous();
            int block = p.Dims[a] * inner, rowOut = total * inner;
            for (int q = 0; q < outer; q++)
                pc.Storage.AsSpan(pc.Offset + q * block, block).CopyTo(o.Storage.AsSpan(q * rowOut + offset * inner, block));
            offset += p.Dims[a];
        }
        if (Autograd.ShouldRecord(parts.ToArray()))
        {
            var arr = parts.ToArray();
            Autograd.Record(o, arr, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                var res = new Tensor?[arr.Length];
                int off = 0;
                for (int i = 0; i < arr.Length; i++)
                {
                    int len = arr[i].Dims[a];
                    if (arr[i].RequiresGrad) res[i] = g.Narrow(a, off, len).DataContiguous();
                    off += len;
                }
                return res;
            });
        }
        return o;
    }

    /// <summary>Stacks equal-shaped tensors along a new axis.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> parts, int axis)
    {
        var us = new Tensor[parts.Count];
        for (int i = 0; i < us.Length; i++) us[i] = parts[i].Unsqueeze(axis);
        return Concat(us, axis);
    }

    /// <summary>
    /// Pads every axis i with before[i] elements in front and after[i] behind (negative values crop).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor Pad(int[] before, int[] after, PadMode mode = PadMode.Constant, float value = 0f)
    {
        if (before.Length != Rank || after.Length != Rank) throw new ArgumentException("Pad needs before/after for every axis.");
        // Negative padding = crop first.
        var t = this;
        for (int i = 0; i < Rank; i++)
        {
            int cb = Math.Max(0, -before[i]), ca = Math.Max(0, -after[i]);
            if (cb + ca > 0) t = t.Narrow(i, cb, t.Dims[i] - cb - ca);
        }
        var shape = t.ShapeArray;
        var pb = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            pb[i] = Math.Max(0, before[i]);
            shape[i] += pb[i] + Math.Max(0, after[i]);
            if (mode == PadMode.Replicate && t.Dims[i] == 0 && shape[i] > 0) throw new ArgumentException("Replicate padding of an empty axis.");
        }
        var src = t.DataContiguous();
        var o = NewLike(shape);
        int rank = Rank;
        var srcDims = src.Dims;
        if (mode == PadMode.Constant && value != 0f) o.RawSpan.Fill(value);
        // Iterate over output rows (all dims but the last).
        int inner = shape[rank - 1], srcInner = srcDims[rank - 1];
        int rows = inner == 0 ? 0 : o.Size / inner;
        var idx = new int[rank];
        var srcStr = src.Strides;
        // For replicate: map[i][j] = source index along axis i for output index j (-1 = constant fill).
        var maps = new int[rank][];
        for (int i = 0; i < rank; i++)
        {
            maps[i] = new int[shape[i]];
            for (int j = 0; j < shape[i]; j++)
            {
                int s = j - pb[i];
                maps[i][j] = s >= 0 && s < srcDims[i] ? s : mode == PadMode.Replicate ? Math.Clamp(s, 0, srcDims[i] - 1) : -1;
            }
        }
        var os = o.Storage; var ssrc = src.Storage;
        for (int r = 0; r < rows; r++)
        {
            int so = src.Offset; bool inside = true;
            for (int i = 0; i < rank - 1; i++)
            {
                int m = maps[i][idx[i]];
                if (m < 0) { inside = false; break; }
                so += m * srcStr[i];
            }
            if (inside)
            {
                var lastMap = maps[rank - 1];
                int ob = r * inner;
                int start = pb[rank - 1];
                for (int j = 0; j < start && j < inner; j++) if (lastMap[j] >= 0) os[ob + j] = ssrc[so + lastMap[j]];
                ssrc.AsSpan(so, srcInner).CopyTo(os.AsSpan(ob + start, srcInner));
                for (int j = start + srcInner; j < inner; j++) if (lastMap[j] >= 0) os[ob + j] = ssrc[so + lastMap[j]];
            }
            for (int i = rank - 2; i >= 0; i--)
            {
                if (++idx[i] < shape[i]) break;
                idx[i] = 0;
            }
        }
        if (Autograd.ShouldRecord(t))
        {
            var tShape = t.ShapeArray;
            Autograd.Record(o, new[] { t }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                var gs = g.DataContiguous();
                var gi = NewLike((int[])tShape.Clone());
                var gis = gi.Storage; var gss = gs.Storage;
                var id = new int[rank];
                for (int r = 0; r < rows; r++)
                {
                    int so = 0; bool inside = true;
                    for (int i = 0; i < rank - 1; i++)
                    {
                        int m = maps[i][id[i]];
                        if (m < 0) { inside = false; break; }
                        so += m * gi.Strides[i];
                    }
                    if (inside)
                    {
                        var lastMap = maps[rank - 1];
                        int ob = r * inner;
                        for (int j = 0; j < inner; j++) if (lastMap[j] >= 0) gis[so + lastMap[j]] += gss[gs.Offset + ob + j];
                    }
                    for (int i = rank - 2; i >= 0; i--)
                    {
                        if (++id[i] < shape[i]) break;
                        id[i] = 0;
                    }
                }
                return new[] { gi };
            });
        }
        return o;
    }
}
