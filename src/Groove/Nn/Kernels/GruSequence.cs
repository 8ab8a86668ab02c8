using System.Buffers;
using System.Numerics.Tensors;

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
/// B×3H×H Sgemm on strided rows; the gate nonlinearities run on contiguous scratch through TensorPrimitives. The
/// backward pass collects all steps' hidden-gate gradients and forms ∂L/∂W_hh with a single (3H × H × T·B) Sgemm.
/// </remarks>
internal static class GruSequence
{
    /// <summary>Floats of <c>cache</c> per row: r, z, n and W_hn h + b_hn.</summary>
    public const int CacheWidth = 4;

    /// <summary>
    /// Runs the recurrence over <paramref name="steps"/> steps (in reverse time order when <paramref name="reverse"/>)
    /// and writes every hidden state to <paramref name="hs"/> (hs at time t is the state after consuming input t).
    /// </summary>
    /// <param name="wHh">Hidden weights [3H, H] (rows r, z, n), as torch's weight_hh.</param>
    /// <param name="bHh">Hidden bias [3H], or empty for none.</param>
    /// <param name="h0">Initial state [B, H], or empty for zeros.</param>
    /// <param name="cache">[rows, 4H] saved for <see cref="Backward"/>, or empty when no gradient is needed.</param>
    public static unsafe void Forward(int steps, int batch, int hidden, bool batchFirst, bool reverse,
        ReadOnlySpan<float> xGates, ReadOnlySpan<float> wHh, ReadOnlySpan<float> bHh, ReadOnlySpan<float> h0,
        Span<float> hs, Span<float> cache)
    {
        int H = hidden, B = batch, G = 3 * H;
        CheckShapes(steps, B, H, xGates.Length, wHh.Length, bHh.Length, h0.Length, hs.Length);
        if (!cache.IsEmpty && cache.Length < (long)steps * B * CacheWidth * H)
            throw new ArgumentException("GruSequence: cache is shorter than steps·batch·4·hidden");
        if (steps == 0 || B == 0) return;
        int rowStride = batchFirst ? steps : 1; // rows between batch items of one step
        float[] ghBuf = ArrayPool<float>.Shared.Rent(B * G);
        float[] actBuf = ArrayPool<float>.Shared.Rent(B * G);
        try
        {
            Span<float> gh = ghBuf.AsSpan(0, B * G);     // W_hh h + b_hh, [B, 3H]
            Span<float> rz = actBuf.AsSpan(0, B * 2 * H); // σ(r, z) pre-activations, then activations, [B, 2H]
            Span<float> nn = actBuf.AsSpan(B * 2 * H, B * H); // n, [B, H]
            for (int s = 0; s < steps; s++)
            {
                int t = reverse ? steps - 1 - s : s;
                int row0 = Row(t, 0, steps, B, batchFirst);
                bool first = s == 0;
                int prevRow0 = first ? -1 : Row(reverse ? t + 1 : t - 1, 0, steps, B, batchFirst);

                // gh = h_prev · W_hhᵀ + b_hh
                for (int b = 0; b < B; b++)
                {
                    Span<float> g = gh.Slice(b * G, G);
                    if (bHh.IsEmpty) g.Clear(); else bHh.Slice(0, G).CopyTo(g);
                }
                if (!first)
                    Sgemm.Multiply(false, true, B, G, H, 1f, hs.Slice(prevRow0 * H), rowStride * H, wHh, H, 1f, gh, G);
                else if (!h0.IsEmpty)
                    Sgemm.Multiply(false, true, B, G, H, 1f, h0, H, wHh, H, 1f, gh, G);

                for (int b = 0; b < B; b++)
                {
                    ReadOnlySpan<float> xg = xGates.Slice(Row(t, b, steps, B, batchFirst) * G, G);
                    TensorPrimitives.Add(xg.Slice(0, 2 * H), gh.Slice(b * G, 2 * H), rz.Slice(b * 2 * H, 2 * H));
                }
                TensorPrimitives.Sigmoid(rz, rz);
                for (int b = 0; b < B; b++)
                {
                    ReadOnlySpan<float> xg = xGates.Slice(Row(t, b, steps, B, batchFirst) * G, G);
                    TensorPrimitives.FusedMultiplyAdd(rz.Slice(b * 2 * H, H), gh.Slice(b * G + 2 * H, H), xg.Slice(2 * H, H),
                        nn.Slice(b * H, H));
                }
                TensorPrimitives.Tanh(nn, nn);
                for (int b = 0; b < B; b++)
                {
                    int row = row0 + b * rowStride;
                    Span<float> h = hs.Slice(row * H, H);
                    ReadOnlySpan<float> n = nn.Slice(b * H, H), z = rz.Slice(b * 2 * H + H, H);
                    ReadOnlySpan<float> hp = first ? (h0.IsEmpty ? default : h0.Slice(b * H, H))
                                                   : hs.Slice((prevRow0 + b * rowStride) * H, H);
                    // h = n + z ∘ (h_prev − n)
                    if (hp.IsEmpty)
                    {
                        TensorPrimitives.Multiply(z, n, h);
                        TensorPrimitives.Subtract(n, h, h);
                    }
                    else
                    {
                        TensorPrimitives.Subtract(hp, n, h);
                        TensorPrimitives.FusedMultiplyAdd(z, h, n, h);
                    }
                    if (!cache.IsEmpty)
                    {
                        Span<float> cr = cache.Slice(row * CacheWidth * H, CacheWidth * H);
                        rz.Slice(b * 2 * H, 2 * H).CopyTo(cr);
                        n.CopyTo(cr.Slice(2 * H, H));
                        gh.Slice(b * G + 2 * H, H).CopyTo(cr.Slice(3 * H, H));
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(ghBuf);
            ArrayPool<float>.Shared.Return(actBuf);
        }
    }

    /// <summary>
    /// Back-propagates through the recurrence of <see cref="Forward"/> (same layout flags, its hs and cache).
    /// </summary>
    /// <param name="gradHs">∂L/∂hs [rows, H] (the layer output), or empty for zeros.</param>
    /// <param name="gradHLast">∂L/∂(final state) [B, H] (torch's h_n), or empty for zeros.</param>
    /// <param name="gradXGates">∂L/∂xGates [rows, 3H], overwritten: the caller turns it into ∂L/∂x, ∂L/∂W_ih, ∂L/∂b_ih.</param>
    /// <param name="gradWHh">∂L/∂W_hh [3H, H], overwritten.</param>
    /// <param name="gradBHh">∂L/∂b_hh [3H], overwritten, or empty to skip.</param>
    /// <param name="gradH0">∂L/∂h0 [B, H], overwritten, or empty to skip.</param>
    public static void Backward(int steps, int batch, int hidden, bool batchFirst, bool reverse,
        ReadOnlySpan<float> wHh, ReadOnlySpan<float> h0, ReadOnlySpan<float> hs, ReadOnlySpan<float> cache,
        ReadOnlySpan<float> gradHs, ReadOnlySpan<float> gradHLast,
        Span<float> gradXGates, Span<float> gradWHh, Span<float> gradBHh, Span<float> gradH0)
    {
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
        float[] dhBuf = ArrayPool<float>.Shared.Rent(B * H);
        try
        {
            Span<float> dgh = dghBuf.AsSpan(0, (int)(rows * G)); // hidden-gate gradients, processing order
            Span<float> hprev = hpBuf.AsSpan(0, (int)(rows * H)); // previous states, processing order
            Span<float> dh = dhBuf.AsSpan(0, B * H);
            if (gradHLast.IsEmpty) dh.Clear(); else gradHLast.Slice(0, B * H).CopyTo(dh);
            for (int s = steps - 1; s >= 0; s--)
            {
                int t = reverse ? steps - 1 - s : s;
                int prevT = reverse ? t + 1 : t - 1;
                for (int b = 0; b < B; b++)
                {
                    int row = Row(t, b, steps, B, batchFirst);
                    Span<float> dhb = dh.Slice(b * H, H);
                    if (!gradHs.IsEmpty) TensorPrimitives.Add(dhb, gradHs.Slice(row * H, H), dhb);
                    Span<float> hp = hprev.Slice((s * B + b) * H, H);
                    if (s > 0) hs.Slice(Row(prevT, b, steps, B, batchFirst) * H, H).CopyTo(hp);
                    else if (!h0.IsEmpty) h0.Slice(b * H, H).CopyTo(hp);
                    else hp.Clear();
                    CellBackward(H, cache.Slice(row * CacheWidth * H, CacheWidth * H), hp, dhb,
                        gradXGates.Slice(row * G, G), dgh.Slice((s * B + b) * G, G));
                }
                // dh_prev += dgh · W_hh
                Sgemm.Multiply(false, false, B, H, G, 1f, dgh.Slice(s * B * G, B * G), G, wHh, H, 1f, dh, H);
            }
            if (!gradH0.IsEmpty) dh.CopyTo(gradH0);
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
    /// One row of the cell's backward pass. On entry <paramref name="dh"/> is ∂L/∂h'; on exit it holds the direct
    /// part of ∂L/∂h_prev (dh ∘ z); the part through W_hh is added by the caller's Sgemm.
    /// </summary>
    static void CellBackward(int H, ReadOnlySpan<float> cache, ReadOnlySpan<float> hp, Span<float> dh,
        Span<float> dxg, Span<float> dgh)
    {
        ReadOnlySpan<float> r = cache.Slice(0, H), z = cache.Slice(H, H), n = cache.Slice(2 * H, H), ghn = cache.Slice(3 * H, H);
        for (int j = 0; j < H; j++)
        {
            float d = dh[j], zj = z[j], nj = n[j], rj = r[j];
            float dnPre = d * (1f - zj) * (1f - nj * nj);
            float dzPre = d * (hp[j] - nj) * zj * (1f - zj);
            float drPre = dnPre * ghn[j] * rj * (1f - rj);
            dxg[j] = drPre; dxg[H + j] = dzPre; dxg[2 * H + j] = dnPre;
            dgh[j] = drPre; dgh[H + j] = dzPre; dgh[2 * H + j] = dnPre * rj;
            dh[j] = d * zj;
        }
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
