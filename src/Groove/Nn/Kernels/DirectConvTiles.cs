using System.Runtime.CompilerServices;

namespace Groove.Nn.Kernels;

/// <summary>
/// The register tiles of <see cref="DirectConv2dKernel"/>, over a convolution written as a 1-D correlation of
/// zero-padded, flattened planes (<see cref="DirectConvPlanes"/>): output position q (= row·pitch + column) of output
/// channel o is bias[o] + Σ_t w[o, t] · x[q + tap[t]], tap t = (c, i, j) at offset c·plane + i·dh·pitch + j·dw.
/// Forward tiles hold 4 output channels × V vectors of consecutive positions in registers over all taps (each input
/// vector feeds 4 FMAs, each broadcast weight V); weight-gradient tiles hold 4 output channels × T taps and run
/// along positions (each gradient vector feeds T FMAs, each input vector 4), reduced across lanes at the end.
/// Generic over the vector width (<see cref="IVectorLanes{TV}"/>); the scalar loops are the same sums one lane wide.
/// </summary>
internal static unsafe class DirectConvTiles
{
    /// <summary>
    /// dst[r·ds + v·L + e] = bias[r] + Σ_t wq[4t + r] · x[taps[t] + v·L + e] for r &lt; 4, v &lt; V = TW.Vectors, e &lt; L.
    /// V = 4 is the AVX-512 tile (16 accumulators; 4 input loads and 4 broadcasts per 16 FMAs), V = 2 the AVX2 one
    /// (8 of the 16 registers); V = 1 and 2 also finish rows narrower than a full tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TL, TV, TW>(float* x, int* taps, int k, float* wq, float* bias, float* dst, long ds)
        where TL : IVectorLanes<TV> where TV : struct where TW : struct, ITileVectors
    {
        int L = TL.Count;
        TV a00 = TL.Splat(bias[0]), a01 = a00, a02 = a00, a03 = a00;
        TV a10 = TL.Splat(bias[1]), a11 = a10, a12 = a10, a13 = a10;
        TV a20 = TL.Splat(bias[2]), a21 = a20, a22 = a20, a23 = a20;
        TV a30 = TL.Splat(bias[3]), a31 = a30, a32 = a30, a33 = a30;
        for (int t = 0; t < k; t++, wq += 4)
        {
            float* s = x + taps[t];
            TV x0 = TL.Load(s), x1 = default, x2 = default, x3 = default;
            if (TW.Vectors > 1) x1 = TL.Load(s + L);
            if (TW.Vectors > 2) { x2 = TL.Load(s + 2 * L); x3 = TL.Load(s + 3 * L); }
            Row<TL, TV, TW>(wq + 0, x0, x1, x2, x3, ref a00, ref a01, ref a02, ref a03);
            Row<TL, TV, TW>(wq + 1, x0, x1, x2, x3, ref a10, ref a11, ref a12, ref a13);
            Row<TL, TV, TW>(wq + 2, x0, x1, x2, x3, ref a20, ref a21, ref a22, ref a23);
            Row<TL, TV, TW>(wq + 3, x0, x1, x2, x3, ref a30, ref a31, ref a32, ref a33);
        }
        StoreRow<TL, TV, TW>(a00, a01, a02, a03, dst);
        StoreRow<TL, TV, TW>(a10, a11, a12, a13, dst + ds);
        StoreRow<TL, TV, TW>(a20, a21, a22, a23, dst + 2 * ds);
        StoreRow<TL, TV, TW>(a30, a31, a32, a33, dst + 3 * ds);
    }

    /// <summary>One output channel's accumulators += weight × the tile's input vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Row<TL, TV, TW>(float* weight, TV x0, TV x1, TV x2, TV x3, ref TV a0, ref TV a1, ref TV a2, ref TV a3)
        where TL : IVectorLanes<TV> where TV : struct where TW : struct, ITileVectors
    {
        TV w = TL.Splat(*weight);
        a0 = TL.Fma(w, x0, a0);
        if (TW.Vectors > 1) a1 = TL.Fma(w, x1, a1);
        if (TW.Vectors > 2) { a2 = TL.Fma(w, x2, a2); a3 = TL.Fma(w, x3, a3); }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow<TL, TV, TW>(TV v0, TV v1, TV v2, TV v3, float* dst)
        where TL : IVectorLanes<TV> where TV : struct where TW : struct, ITileVectors
    {
        TL.Store(v0, dst);
        if (TW.Vectors > 1) TL.Store(v1, dst + TL.Count);
        if (TW.Vectors > 2) { TL.Store(v2, dst + 2 * TL.Count); TL.Store(v3, dst + 3 * TL.Count); }
    }

    /// <summary>The forward tile one lane wide over <paramref name="width"/> positions (the scalar path): the same
    /// sums in the same order (bias, then taps in order, each a fused multiply-add).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardScalar(float* x, int* taps, int k, float* wq, float* bias, float* dst, long ds, int width)
    {
        for (int r = 0; r < 4; r++)
            for (int e = 0; e < width; e++)
            {
                float acc = bias[r];
                for (int t = 0; t < k; t++) acc = MathF.FusedMultiplyAdd(wq[4 * t + r], x[taps[t] + e], acc);
                dst[r * ds + e] = acc;
            }
    }

    /// <summary>
    /// sums[T·r + t] += Σ_{q &lt; len} g[r·gs + q] · x[taps[t] + q] for 4 gradient rows and T = TT.Vectors taps
    /// (len a multiple of L): T = 4 is the AVX-512 weight-gradient tile (16 accumulators; 4 gradient and 4 input
    /// loads per 16 FMAs), T = 2 the AVX2 one (8 accumulators).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Weight<TL, TV, TT>(float* g, long gs, float* x, int* taps, int len, float* sums)
        where TL : IVectorLanes<TV> where TV : struct where TT : struct, ITileVectors
    {
        int L = TL.Count, T = TT.Vectors;
        TV z = TL.Splat(0f);
        TV a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
        TV a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
        float* g1 = g + gs, g2 = g1 + gs, g3 = g2 + gs;
        float* x0 = x + taps[0], x1 = T > 1 ? x + taps[1] : x0, x2 = T > 2 ? x + taps[2] : x0, x3 = T > 2 ? x + taps[3] : x0;
        for (int q = 0; q < len; q += L)
        {
            TV y0 = TL.Load(g + q), y1 = TL.Load(g1 + q), y2 = TL.Load(g2 + q), y3 = TL.Load(g3 + q);
            TV v = TL.Load(x0 + q);
            a00 = TL.Fma(y0, v, a00); a10 = TL.Fma(y1, v, a10); a20 = TL.Fma(y2, v, a20); a30 = TL.Fma(y3, v, a30);
            if (T > 1)
            {
                v = TL.Load(x1 + q);
                a01 = TL.Fma(y0, v, a01); a11 = TL.Fma(y1, v, a11); a21 = TL.Fma(y2, v, a21); a31 = TL.Fma(y3, v, a31);
            }
            if (T > 2)
            {
                v = TL.Load(x2 + q);
                a02 = TL.Fma(y0, v, a02); a12 = TL.Fma(y1, v, a12); a22 = TL.Fma(y2, v, a22); a32 = TL.Fma(y3, v, a32);
                v = TL.Load(x3 + q);
                a03 = TL.Fma(y0, v, a03); a13 = TL.Fma(y1, v, a13); a23 = TL.Fma(y2, v, a23); a33 = TL.Fma(y3, v, a33);
            }
        }
        float* lanes = stackalloc float[L];
        AddRow<TL, TV, TT>(a00, a01, a02, a03, sums, lanes);
        AddRow<TL, TV, TT>(a10, a11, a12, a13, sums + T, lanes);
        AddRow<TL, TV, TT>(a20, a21, a22, a23, sums + 2 * T, lanes);
        AddRow<TL, TV, TT>(a30, a31, a32, a33, sums + 3 * T, lanes);
    }

    /// <summary>sums[t] += the lane sum of v_t for the tile's T taps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddRow<TL, TV, TT>(TV v0, TV v1, TV v2, TV v3, float* sums, float* lanes)
        where TL : IVectorLanes<TV> where TV : struct where TT : struct, ITileVectors
    {
        sums[0] += Sum<TL, TV>(v0, lanes);
        if (TT.Vectors > 1) sums[1] += Sum<TL, TV>(v1, lanes);
        if (TT.Vectors > 2) { sums[2] += Sum<TL, TV>(v2, lanes); sums[3] += Sum<TL, TV>(v3, lanes); }
    }

    /// <summary>The weight-gradient tile one lane wide: sums[r] += Σ_{q &lt; len} g[r·gs + q] · x[q] for 4 rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightScalar(float* g, long gs, float* x, int len, float* sums)
    {
        for (int r = 0; r < 4; r++)
        {
            float acc = 0f;
            float* gr = g + r * gs;
            for (int q = 0; q < len; q++) acc = MathF.FusedMultiplyAdd(gr[q], x[q], acc);
            sums[r] += acc;
        }
    }

    /// <summary>Sum of a vector's lanes, in lane order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float Sum<TL, TV>(TV v, float* lanes) where TL : IVectorLanes<TV> where TV : struct
    {
        TL.Store(v, lanes);
        float s = 0f;
        for (int e = 0; e < TL.Count; e++) s += lanes[e];
        return s;
    }
}

/// <summary>A tile dimension of <see cref="DirectConvTiles"/> (1, 2 or 4: vectors per output channel of a forward
/// tile, taps of a weight-gradient tile), as a type so that each tile shape compiles to its own straight-line code.</summary>
internal interface ITileVectors
{
    static abstract int Vectors { get; }
}

internal readonly struct OneVector : ITileVectors { public static int Vectors => 1; }

internal readonly struct TwoVectors : ITileVectors { public static int Vectors => 2; }

internal readonly struct FourVectors : ITileVectors { public static int Vectors => 4; }
