using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Groove.Nn.Kernels;

/// <summary>
/// The recurrent part of a GRU layer over a whole sequence, forward and backward, with PyTorch's gate order and
/// equations (Cho et al. 2014; torch.nn.GRU):
/// r = σ(x_r + W_hr h + b_hr), z = σ(x_z + W_hz h + b_hz), n = tanh(x_n + r ∘ (W_hn h + b_hn)),
/// h' = (1 − z) ∘ n + z ∘ h, where x_{r,z,n} = W_i{r,z,n} x + b_i{r,z,n} are the input projections the caller
/// computes for all steps at once with one <see cref="Sgemm"/> ("xGates", width 3H).
/// </summary>
/// <remarks>
/// Row layout of the per-step matrices (xGates [·, 3H], hs [·, H], cache [·, 4H], gradients likewise): row
/// (t, b) is <c>b·T + t</c> when <c>batchFirst</c>, else <c>t·B + b</c>. Each step's hidden-state product is one
/// B×3H×H product of all three gates against W_hhᵀ packed once per sequence (<see cref="RecurrentProduct"/>), then
/// one fused vector pass per row applies the gates (16 lanes on AVX-512, 8 on AVX2, scalar otherwise). The
/// backward pass forms ∂L/∂h_prev with the same kernel against W_hh packed once, collects all steps' hidden-gate
/// gradients and forms ∂L/∂W_hh with a single (3H × H × T·B) Sgemm.
/// </remarks>
internal static class GruSequence
{
    /// <summary>Floats of <c>cache</c> per row: r, z, n and W_hn h + b_hn.</summary>
    public const int CacheWidth = 4;

    /// <summary>
    /// Runs the recurrence over <paramref name="steps"/> steps (in reverse time order when <paramref name="reverse"/>)
    /// and writes every hidden state to <paramref name="hs"/> (hs at time t is the state after consuming input t).
    /// </summary>
    /// <param name="steps">Sequence length T.</param>
    /// <param name="batch">Batch size B.</param>
    /// <param name="hidden">Hidden size H.</param>
    /// <param name="batchFirst">Row layout: b·T + t when true, t·B + b when false.</param>
    /// <param name="reverse">Process time backwards (the reverse direction of a bidirectional layer).</param>
    /// <param name="xGates">Input projections [rows, 3H] (x·W_ihᵀ + b_ih).</param>
    /// <param name="wHh">Hidden weights [3H, H] (rows r, z, n), as torch's weight_hh.</param>
    /// <param name="bHh">Hidden bias [3H], or empty for none.</param>
    /// <param name="h0">Initial state [B, H], or empty for zeros.</param>
    /// <param name="hs">Output: every hidden state [rows, H].</param>
    /// <param name="cache">[rows, 4H] saved for <see cref="Backward"/>, or empty when no gradient is needed.</param>
    /// <param name="vectorPath">The vector path (default: <see cref="SimdPaths.Best"/>; tests force each).</param>
    public static void Forward(int steps, int batch, int hidden, bool batchFirst, bool reverse,
        ReadOnlySpan<float> xGates, ReadOnlySpan<float> wHh, ReadOnlySpan<float> bHh, ReadOnlySpan<float> h0,
        Span<float> hs, Span<float> cache, SimdPath? vectorPath = null)
    {
        SimdPath path = vectorPath ?? SimdPaths.Best;
        int H = hidden, B = batch, G = 3 * H;
        CheckShapes(steps, B, H, xGates.Length, wHh.Length, bHh.Length, h0.Length, hs.Length);
        if (!cache.IsEmpty && cache.Length < (long)steps * B * CacheWidth * H)
            throw new ArgumentException("GruSequence: cache is shorter than steps·batch·4·hidden");
        if (steps == 0 || B == 0) return;
        int rowStride = batchFirst ? steps : 1; // rows between batch items of one step
        int gp = RecurrentProduct.Padded(G);
        float[] ghBuf = ArrayPool<float>.Shared.Rent(B * gp + gp + H * gp);
        try
        {
            Span<float> gh = ghBuf.AsSpan(0, B * gp);            // W_hh h + b_hh, [B, 3H padded]
            Span<float> bias = ghBuf.AsSpan(B * gp, gp);          // b_hh, padded
            Span<float> wT = ghBuf.AsSpan(B * gp + gp, H * gp);   // W_hhᵀ [H, 3H padded], packed once
            bias.Clear();
            if (!bHh.IsEmpty) bHh.Slice(0, G).CopyTo(bias);
            RecurrentProduct.PackTransposed(wHh, G, H, wT);
            for (int s = 0; s < steps; s++)
            {
                int t = reverse ? steps - 1 - s : s;
                int row0 = Row(t, 0, steps, B, batchFirst);
                bool first = s == 0;
                int prevRow0 = first ? -1 : Row(reverse ? t + 1 : t - 1, 0, steps, B, batchFirst);

                // gh = h_prev · W_hhᵀ + b_hh, all three gates of every batch row in one product.
                if (!first)
                    RecurrentProduct.Multiply(path, B, H, G, hs.Slice(prevRow0 * H), rowStride * H, wT, bias, 0, gh);
                else if (!h0.IsEmpty)
                    RecurrentProduct.Multiply(path, B, H, G, h0, H, wT, bias, 0, gh);
                else
                    for (int b = 0; b < B; b++) bias.CopyTo(gh.Slice(b * gp, gp));

                for (int b = 0; b < B; b++)
                {
                    int row = row0 + b * rowStride;
                    ReadOnlySpan<float> xg = xGates.Slice(row * G, G);
                    ReadOnlySpan<float> hp = first ? (h0.IsEmpty ? default : h0.Slice(b * H, H))
                                                   : hs.Slice((prevRow0 + b * rowStride) * H, H);
                    CellForward(path, H, xg, gh.Slice(b * gp, G), hp, hs.Slice(row * H, H),
                        cache.IsEmpty ? default : cache.Slice(row * CacheWidth * H, CacheWidth * H));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(ghBuf);
        }
    }

    /// <summary>
    /// Back-propagates through the recurrence of <see cref="Forward"/> (same layout flags, its hs and cache).
    /// </summary>
    /// <param name="steps">Sequence length T.</param>
    /// <param name="batch">Batch size B.</param>
    /// <param name="hidden">Hidden size H.</param>
    /// <param name="batchFirst">Row layout: b·T + t when true, t·B + b when false.</param>
    /// <param name="reverse">Process time backwards (the reverse direction of a bidirectional layer).</param>
    /// <param name="wHh">Hidden weights [3H, H] as given to <see cref="Forward"/>.</param>
    /// <param name="h0">Initial state [B, H] as given to <see cref="Forward"/> (empty = zeros).</param>
    /// <param name="hs">The hidden states <see cref="Forward"/> wrote.</param>
    /// <param name="cache">The cache <see cref="Forward"/> wrote.</param>
    /// <param name="gradHs">∂L/∂hs [rows, H] (the layer output), or empty for zeros.</param>
    /// <param name="gradHLast">∂L/∂(final state) [B, H] (torch's h_n), or empty for zeros.</param>
    /// <param name="gradXGates">∂L/∂xGates [rows, 3H], overwritten: the caller turns it into ∂L/∂x, ∂L/∂W_ih, ∂L/∂b_ih.</param>
    /// <param name="gradWHh">∂L/∂W_hh [3H, H], overwritten.</param>
    /// <param name="gradBHh">∂L/∂b_hh [3H], overwritten, or empty to skip.</param>
    /// <param name="gradH0">∂L/∂h0 [B, H], overwritten, or empty to skip.</param>
    /// <param name="vectorPath">The vector path (default: <see cref="SimdPaths.Best"/>; tests force each).</param>
    public static void Backward(int steps, int batch, int hidden, bool batchFirst, bool reverse,
        ReadOnlySpan<float> wHh, ReadOnlySpan<float> h0, ReadOnlySpan<float> hs, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> gradHs, ReadOnlySpan<float> gradHLast,
        Span<float> gradXGates, Span<float> gradWHh, Span<float> gradBHh, Span<float> gradH0, SimdPath? vectorPath = null)
    {
        SimdPath path = vectorPath ?? SimdPaths.Best;
        int H = hidden, B = batch, G = 3 * H;
        long rows = (long)steps * B;
        CheckShapes(steps, B, H, gradXGates.Length, wHh.Length, gradBHh.Length, h0.Length, hs.Length);
        if (cache.Length < rows * CacheWidth * H) throw new ArgumentException("GruSequence: cache is shorter than steps·batch·4·hidden");
        if (!gradHs.IsEmpty && gradHs.Length < rows * H) throw new ArgumentException("GruSequence: gradHs is shorter than steps·batch·hidden");
        if (!gradHLast.IsEmpty && gradHLast.Length < B * H) throw new ArgumentException("GruSequence: gradHLast is shorter than batch·hidden");
        if (gradWHh.Length < G * H) throw new ArgumentException("GruSequence: gradWHh is shorter than 3·hidden·hidden");
        if (!gradH0.IsEmpty && gradH0.Length < B * H) throw new ArgumentException("GruSequence: gradH0 is shorter than batch·hidden");
        if (steps == 0 || B == 0)
        {
            gradWHh.Slice(0, G * H).Clear();
            if (!gradBHh.IsEmpty) gradBHh.Slice(0, G).Clear();
            if (!gradH0.IsEmpty) { gradH0.Slice(0, B * H).Clear(); if (!gradHLast.IsEmpty) gradHLast.Slice(0, B * H).CopyTo(gradH0); }
            return;
        }
        float[] dghBuf = ArrayPool<float>.Shared.Rent((int)(rows * G));
        float[] hpBuf = ArrayPool<float>.Shared.Rent((int)(rows * H));
        int hp2 = RecurrentProduct.Padded(H);
        float[] dhBuf = ArrayPool<float>.Shared.Rent(B * hp2 + G * hp2);
        try
        {
            Span<float> dgh = dghBuf.AsSpan(0, (int)(rows * G)); // hidden-gate gradients, processing order
            Span<float> hprev = hpBuf.AsSpan(0, (int)(rows * H)); // previous states, processing order
            Span<float> dh = dhBuf.AsSpan(0, B * hp2);            // ∂L/∂h [B, H padded]
            Span<float> wP = dhBuf.AsSpan(B * hp2, G * hp2);      // W_hh [3H, H padded], packed once
            RecurrentProduct.Pack(wHh, G, H, wP);
            dh.Clear();
            if (!gradHLast.IsEmpty)
                for (int b = 0; b < B; b++) gradHLast.Slice(b * H, H).CopyTo(dh.Slice(b * hp2, H));
            for (int s = steps - 1; s >= 0; s--)
            {
                int t = reverse ? steps - 1 - s : s;
                int prevT = reverse ? t + 1 : t - 1;
                for (int b = 0; b < B; b++)
                {
                    int row = Row(t, b, steps, B, batchFirst);
                    Span<float> dhb = dh.Slice(b * hp2, H);
                    if (!gradHs.IsEmpty) TensorPrimitives.Add(dhb, gradHs.Slice(row * H, H), dhb);
                    Span<float> hp = hprev.Slice((s * B + b) * H, H);
                    if (s > 0) hs.Slice(Row(prevT, b, steps, B, batchFirst) * H, H).CopyTo(hp);
                    else if (!h0.IsEmpty) h0.Slice(b * H, H).CopyTo(hp);
                    else hp.Clear();
                    CellBackward(path, H, cache.Slice(row * CacheWidth * H, CacheWidth * H), hp, dhb,
                        gradXGates.Slice(row * G, G), dgh.Slice((s * B + b) * G, G));
                }
                // dh_prev += dgh · W_hh
                RecurrentProduct.Multiply(path, B, G, H, dgh.Slice(s * B * G, B * G), G, wP, dh, hp2, dh);
            }
            if (!gradH0.IsEmpty)
                for (int b = 0; b < B; b++) dh.Slice(b * hp2, H).CopyTo(gradH0.Slice(b * H, H));
            Sgemm.Multiply(true, false, G, H, (int)rows, 1f, dgh, G, hprev, H, 0f, gradWHh, H);
            if (!gradBHh.IsEmpty)
            {
                Span<float> gb = gradBHh.Slice(0, G);
                gb.Clear();
                for (long r = 0; r < rows; r++) TensorPrimitives.Add(gb, dgh.Slice((int)(r * G), G), gb);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(dghBuf);
            ArrayPool<float>.Shared.Return(hpBuf);
            ArrayPool<float>.Shared.Return(dhBuf);
        }
    }

    /// <summary>
    /// One row of the cell: from the input gates xg and hidden gates gh (each r|z|n) and the previous state hp
    /// (empty = zeros), writes the new state h and, when cache is not empty, r, z, n and gh_n.
    /// </summary>
    static unsafe void CellForward(SimdPath path, int H, ReadOnlySpan<float> xgs, ReadOnlySpan<float> ghs, ReadOnlySpan<float> hps,
        Span<float> hs, Span<float> caches)
    {
        bool hasPrev = !hps.IsEmpty, save = !caches.IsEmpty;
        fixed (float* xg = xgs, gh = ghs, hp = hps, h = hs, c = caches)
        {
            int j = 0;
            if (path == SimdPath.Avx512 && H >= 16) { CellForward<Lanes512, Vector512<float>>(H, xg, gh, hp, hasPrev, h, c, save); return; }
            if (path != SimdPath.Scalar && H >= 8) { CellForward<Lanes256, Vector256<float>>(H, xg, gh, hp, hasPrev, h, c, save); return; }
            for (; j < H; j++)
            {
                float r = 1f / (1f + MathF.Exp(-(xg[j] + gh[j])));
                float z = 1f / (1f + MathF.Exp(-(xg[H + j] + gh[H + j])));
                float ghn = gh[2 * H + j];
                float n = MathF.Tanh(xg[2 * H + j] + r * ghn);
                float prev = hasPrev ? hp[j] : 0f;
                h[j] = n + z * (prev - n);
                if (save) { c[j] = r; c[H + j] = z; c[2 * H + j] = n; c[3 * H + j] = ghn; }
            }
        }
    }

    /// <summary>The vector body of <see cref="CellForward(SimdPath, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    /// (H ≥ TL.Count); a ragged tail is one more vector ending at H (recomputing a few values identically).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void CellForward<TL, TV>(int H, float* xg, float* gh, float* hp, bool hasPrev, float* h, float* c,
        bool save) where TL : IVectorLanes<TV> where TV : struct
    {
        int L = TL.Count;
        TV one = TL.Splat(1f), two = TL.Splat(2f), zero = TL.Splat(0f);
        for (int next = 0, j; next < H; next = j + L)
        {
            j = Math.Min(next, H - L);
            // σ(x) = 1 / (1 + e^−x); tanh x = 1 − 2 / (e^{2x} + 1), exact at both saturations.
            TV r = TL.Div(one, TL.Add(one, TL.Exp(TL.Sub(zero, TL.Add(TL.Load(xg + j), TL.Load(gh + j))))));
            TV z = TL.Div(one, TL.Add(one, TL.Exp(TL.Sub(zero, TL.Add(TL.Load(xg + H + j), TL.Load(gh + H + j))))));
            TV ghn = TL.Load(gh + 2 * H + j);
            TV a = TL.Fma(r, ghn, TL.Load(xg + 2 * H + j));
            TV n = TL.Sub(one, TL.Div(two, TL.Add(TL.Exp(TL.Add(a, a)), one)));
            TV prev = hasPrev ? TL.Load(hp + j) : zero;
            TL.Store(TL.Fma(z, TL.Sub(prev, n), n), h + j);
            if (save)
            {
                TL.Store(r, c + j); TL.Store(z, c + H + j); TL.Store(n, c + 2 * H + j); TL.Store(ghn, c + 3 * H + j);
            }
        }
    }

    /// <summary>
    /// One row of the cell's backward pass. On entry <paramref name="dhs"/> is ∂L/∂h'; on exit it holds the direct
    /// part of ∂L/∂h_prev (dh ∘ z); the part through W_hh is added by the caller's Sgemm.
    /// </summary>
    static unsafe void CellBackward(SimdPath path, int H, ReadOnlySpan<float> caches, ReadOnlySpan<float> hps, Span<float> dhs,
        Span<float> dxgs, Span<float> dghs)
    {
        fixed (float* c = caches, hp = hps, dh = dhs, dxg = dxgs, dgh = dghs)
        {
            int j = 0;
            if (path == SimdPath.Avx512 && H >= 16) { CellBackward<Lanes512, Vector512<float>>(H, c, hp, dh, dxg, dgh); return; }
            if (path != SimdPath.Scalar && H >= 8) { CellBackward<Lanes256, Vector256<float>>(H, c, hp, dh, dxg, dgh); return; }
            for (; j < H; j++)
            {
                float d = dh[j], zj = c[H + j], nj = c[2 * H + j], rj = c[j];
                float dnPre = d * (1f - zj) * (1f - nj * nj);
                float dzPre = d * (hp[j] - nj) * zj * (1f - zj);
                float drPre = dnPre * c[3 * H + j] * rj * (1f - rj);
                dxg[j] = drPre; dxg[H + j] = dzPre; dxg[2 * H + j] = dnPre;
                dgh[j] = drPre; dgh[H + j] = dzPre; dgh[2 * H + j] = dnPre * rj;
                dh[j] = d * zj;
            }
        }
    }

    /// <summary>The vector body of the cell's backward pass (H ≥ TL.Count). dh is updated in place, so a ragged tail
    /// (one vector ending at H, overlapping the last full one) is computed from the original dh before the main loop
    /// and stored after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void CellBackward<TL, TV>(int H, float* c, float* hp, float* dh, float* dxg, float* dgh)
        where TL : IVectorLanes<TV> where TV : struct
    {
        int L = TL.Count, tail = H % L == 0 ? -1 : H - L;
        TV tdh = default;
        if (tail >= 0) tdh = CellBackwardVector<TL, TV>(H, tail, c, hp, dh, dxg, dgh);
        for (int j = 0; j + L <= H; j += L) TL.Store(CellBackwardVector<TL, TV>(H, j, c, hp, dh, dxg, dgh), dh + j);
        if (tail >= 0) TL.Store(tdh, dh + tail);
    }

    /// <summary>One vector of the cell's backward pass from column j; stores the gate gradients and returns the
    /// new dh lanes (the caller stores them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe TV CellBackwardVector<TL, TV>(int H, int j, float* c, float* hp, float* dh, float* dxg, float* dgh)
        where TL : IVectorLanes<TV> where TV : struct
    {
        TV one = TL.Splat(1f);
        TV d = TL.Load(dh + j), r = TL.Load(c + j), z = TL.Load(c + H + j);
        TV n = TL.Load(c + 2 * H + j), ghn = TL.Load(c + 3 * H + j);
        TV dnPre = TL.Mul(TL.Mul(d, TL.Sub(one, z)), TL.Sub(one, TL.Mul(n, n)));
        TV dzPre = TL.Mul(TL.Mul(TL.Mul(d, TL.Sub(TL.Load(hp + j), n)), z), TL.Sub(one, z));
        TV drPre = TL.Mul(TL.Mul(TL.Mul(dnPre, ghn), r), TL.Sub(one, r));
        TL.Store(drPre, dxg + j); TL.Store(dzPre, dxg + H + j); TL.Store(dnPre, dxg + 2 * H + j);
        TL.Store(drPre, dgh + j); TL.Store(dzPre, dgh + H + j); TL.Store(TL.Mul(dnPre, r), dgh + 2 * H + j);
        return TL.Mul(d, z);
    }

    static int Row(int t, int b, int steps, int batch, bool batchFirst) => batchFirst ? b * steps + t : t * batch + b;

    static void CheckShapes(int steps, int B, int H, int xg, int w, int bias, int h0, int hs)
    {
        if (steps < 0 || B < 0 || H <= 0) throw new ArgumentException($"GruSequence: invalid sizes T={steps} B={B} H={H}");
        long rows = (long)steps * B;
        if (xg < rows * 3 * H) throw new ArgumentException("GruSequence: xGates is shorter than steps·batch·3·hidden");
        if (w < 3 * H * H) throw new ArgumentException("GruSequence: weight_hh is shorter than 3·hidden·hidden");
        if (bias != 0 && bias < 3 * H) throw new ArgumentException("GruSequence: bias_hh is shorter than 3·hidden");
        if (h0 != 0 && h0 < (long)B * H) throw new ArgumentException("GruSequence: h0 is shorter than batch·hidden");
        if (hs < rows * H) throw new ArgumentException("GruSequence: hs is shorter than steps·batch·hidden");
    }
}
