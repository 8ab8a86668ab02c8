using Groove.Nn.Kernels;
using System.Numerics.Tensors;

namespace Groove.Nn;

/// <summary>Which GRU candidate-state formula to use.</summary>
public enum GruVariant
{
    /// <summary>
    /// n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn)): PyTorch's nn.GRU and Keras GRU(reset_after=True).
    /// </summary>
    ResetAfter,
    /// <summary>
    /// n = tanh(W_in·x + b_in + W_hn·(r ⊙ h) + b_hn): the original GRU (Cho et al. 2014), Keras reset_after=False.
    /// </summary>
    ResetBefore,
}

public static partial class Functional
{
    /// <summary>
    /// One direction of one GRU layer over a whole sequence as a single fused autograd operation (back-propagation
    /// through time in one pass, no per-step graph nodes). x [B, T, I]; weights in PyTorch layout with gate order
    /// (r, z, n): wIh [3H, I], wHh [3H, H], biases [3H]; h0 [B, H] or null for zeros. Returns all hidden states
    /// [B, T, H] (for <paramref name="reverse"/>, step t is still stored at index t). h_t = (1−z)⊙n + z⊙h_{t−1}.
    /// </summary>
    public static Tensor GruLayer(Tensor x, Tensor wIh, Tensor wHh, Tensor? bIh, Tensor? bHh, Tensor? h0 = null,
        bool reverse = false, GruVariant variant = GruVariant.ResetAfter)
    {
        if (x.Rank != 3) throw new ArgumentException($"GRU expects input [B, T, I], got {ShapeUtil.Str(x.Shape)}.");
        int B = x.Dim(0), T = x.Dim(1), I = x.Dim(2), H = wHh.Dim(1), G = 3 * H;
        if (wIh.Dim(0) != G || wIh.Dim(1) != I || wHh.Dim(0) != G)
            throw new ArgumentException($"GRU: weights {ShapeUtil.Str(wIh.Shape)}/{ShapeUtil.Str(wHh.Shape)} do not fit input size {I}, hidden {H}.");
        bool after = variant == GruVariant.ResetAfter;
        var xc = x.DataContiguous(); var wiT = wIh.DataContiguous(); var whT = wHh.DataContiguous();
        var biT = bIh?.DataContiguous(); var bhT = bHh?.DataContiguous();
        ReadOnlySpan<float> wi = wiT.RawSpan, wh = whT.RawSpan;
        ReadOnlySpan<float> bi = biT != null ? biT.RawSpan : default, bh = bhT != null ? bhT.RawSpan : default;
        bool hasBi = biT != null, hasBh = bhT != null;

        // Input projections for every step at once: xp [B·T, 3H].
        var xp = TensorArena.Rent(B * T * G);
        if (hasBi) for (int r = 0; r < B * T; r++) bi.CopyTo(xp.AsSpan(r * G, G));
        if (B * T > 0) Sgemm.Multiply(false, true, B * T, G, I, 1f, xc.RawSpan, I, wi, I, hasBi ? 1f : 0f, xp, G);

        bool record = Autograd.ShouldRecord(x, wIh, wHh, bIh, bHh, h0);
        // Saved per processing step s (time index t = reverse ? T−1−s : s), each [B, H].
        var rS = TensorArena.Rent(T * B * H); var zS = TensorArena.Rent(T * B * H); var nS = TensorArena.Rent(T * B * H);
        var hnS = TensorArena.Rent(T * B * H);   // ResetAfter: W_hn·h + b_hn; ResetBefore: r ⊙ h
        var hPrevS = TensorArena.Rent(T * B * H);
        var y = Tensor.NewLike([B, T, H]);
        var ys = y.Storage;
        var h = TensorArena.Rent(B * H);
        if (h0 != null) h0.DataContiguous().RawSpan.CopyTo(h);
        var hp = TensorArena.Rent(B * G);
        var hn2 = after ? null : TensorArena.Rent(B * H);
        int gates = after ? G : 2 * H;
        for (int s = 0; s < T; s++)
        {
            int t = reverse ? T - 1 - s : s;
            h.AsSpan(0, B * H).CopyTo(hPrevS.AsSpan(s * B * H, B * H));
            // hp = h·W_hhᵀ + b_hh (all three gates for ResetAfter; r and z only for ResetBefore).
            for (int b = 0; b < B; b++)
                if (hasBh) bh.Slice(0, gates).CopyTo(hp.AsSpan(b * G, gates));
                else hp.AsSpan(b * G, gates).Clear();
            Sgemm.Multiply(false, true, B, gates, H, 1f, h, H, wh, H, 1f, hp, G);
            for (int b = 0; b < B; b++)
            {
                var xrow = xp.AsSpan((b * T + t) * G, G); var hrow = hp.AsSpan(b * G, G);
                int o = s * B * H + b * H;
                var r = rS.AsSpan(o, H); var z = zS.AsSpan(o, H);
                TensorPrimitives.Add(xrow.Slice(0, H), hrow.Slice(0, H), r);
                TensorPrimitives.Sigmoid(r, r);
                TensorPrimitives.Add(xrow.Slice(H, H), hrow.Slice(H, H), z);
                TensorPrimitives.Sigmoid(z, z);
                if (after) hrow.Slice(2 * H, H).CopyTo(hnS.AsSpan(o, H));
                else TensorPrimitives.Multiply(r, h.AsSpan(b * H, H), hnS.AsSpan(o, H));
            }
            if (!after)
            {
                // hn2 = (r ⊙ h)·W_hnᵀ + b_hn
                for (int b = 0; b < B; b++)
                    if (hasBh) bh.Slice(2 * H, H).CopyTo(hn2.AsSpan(b * H, H)); else hn2.AsSpan(b * H, H).Clear();
                Sgemm.Multiply(false, true, B, H, H, 1f, hnS.AsSpan(s * B * H, B * H), H, wh.Slice(2 * H * H, H * H), H, 1f, hn2, H);
            }
            for (int b = 0; b < B; b++)
            {
                var xn = xp.AsSpan((b * T + t) * G + 2 * H, H);
                int o = s * B * H + b * H;
                var n = nS.AsSpan(o, H); var hb = h.AsSpan(b * H, H);
                if (after) TensorPrimitives.MultiplyAdd(rS.AsSpan(o, H), hnS.AsSpan(o, H), xn, n);
                else TensorPrimitives.Add(xn, hn2.AsSpan(b * H, H), n);
                TensorPrimitives.Tanh(n, n);
                // h = (1−z)·n + z·hPrev = n + z·(hPrev − n)
                TensorPrimitives.Subtract(hb, n, hb);
                TensorPrimitives.MultiplyAdd(zS.AsSpan(o, H), hb, n, hb);
                hb.CopyTo(ys.AsSpan((b * T + t) * H, H));
            }
        }
        if (!record) return y;

        var inputs = new[] { x, wIh, wHh, bIh ?? x, bHh ?? x, h0 ?? x };
        Autograd.Record(y, inputs, gy =>
        {
            ReadOnlySpan<float> wi = wiT.RawSpan, wh = whT.RawSpan;
            var gys = gy.DataContiguous().RawSpan;
            var dxp = TensorArena.Rent(B * T * G);
            var dWhh = TensorArena.Rent(G * H);
            var dbhh = TensorArena.Rent(G);
            var dh = TensorArena.Rent(B * H);
            var dhp = TensorArena.Rent(B * G);
            var drh = after ? null : TensorArena.Rent(B * H);
            for (int s = T - 1; s >= 0; s--)
            {
                int t = reverse ? T - 1 - s : s;
                int o0 = s * B * H;
                for (int b = 0; b < B; b++)
                    for (int j = 0; j < H; j++) dh[b * H + j] += gys[(b * T + t) * H + j];
                // Through h = (1−z)n + z·hPrev and n = tanh(a_n).
                for (int b = 0; b < B; b++)
                {
                    var dxrow = dxp.AsSpan((b * T + t) * G, G);
                    for (int j = 0; j < H; j++)
                    {
                        int o = o0 + b * H + j;
                        float z = zS[o], n = nS[o], hpv = hPrevS[o], d = dh[b * H + j];
                        float dan = d * (1 - z) * (1 - n * n);
                        float daz = d * (hpv - n) * z * (1 - z);
                        dxrow[2 * H + j] = dan;
                        dxrow[H + j] = daz;
                        dhp[b * G + H + j] = daz;
                        dh[b * H + j] = d * z; // direct path to hPrev; gate paths added below
                        if (after) dhp[b * G + 2 * H + j] = dan * rS[o];
                        else drh![b * H + j] = 0;
                    }
                }
                if (!after)
                {
                    // a_n = xp_n + (r⊙h)·W_hnᵀ + b_hn: d(r⊙h) = dan·W_hn; dW_hn += danᵀ·(r⊙h).
                    var dan = TensorArena.Rent(B * H);
                    for (int b = 0; b < B; b++) dxp.AsSpan((b * T + t) * G + 2 * H, H).CopyTo(dan.AsSpan(b * H, H));
                    Sgemm.Multiply(false, false, B, H, H, 1f, dan, H, wh.Slice(2 * H * H, H * H), H, 0f, drh, H);
                    Sgemm.Multiply(true, false, H, H, B, 1f, dan, H, hnS.AsSpan(o0, B * H), H, 1f, dWhh.AsSpan(2 * H * H, H * H), H);
                    for (int b = 0; b < B; b++)
                        for (int j = 0; j < H; j++) dbhh[2 * H + j] += dan[b * H + j];
                }
                for (int b = 0; b < B; b++)
                {
                    var dxrow = dxp.AsSpan((b * T + t) * G, G);
                    for (int j = 0; j < H; j++)
                    {
                        int o = o0 + b * H + j;
                        float r = rS[o];
                        float dr;
                        if (after) dr = dxrow[2 * H + j] * hnS[o];
                        else
                        {
                            dr = drh![b * H + j] * hPrevS[o];
                            dh[b * H + j] += drh[b * H + j] * r;
                        }
                        float dar = dr * r * (1 - r);
                        dxrow[j] = dar;
                        dhp[b * G + j] = dar;
                    }
                }
                // Recurrent weights: dhPrev += dhp·W_hh[gates]; dW_hh[gates] += dhpᵀ·hPrev; db_hh += Σ_b dhp.
                Sgemm.Multiply(false, false, B, H, gates, 1f, dhp, G, wh, H, 1f, dh, H);
                Sgemm.Multiply(true, false, gates, H, B, 1f, dhp, G, hPrevS.AsSpan(o0, B * H), H, 1f, dWhh, H);
                for (int b = 0; b < B; b++)
                    TensorPrimitives.Add(dbhh.AsSpan(0, gates), dhp.AsSpan(b * G, gates), dbhh.AsSpan(0, gates));
            }
            Tensor? gx = null, gWih = null, gbih = null, gWhh = null, gbhh = null, gh0 = null;
            if (x.RequiresGrad)
            {
                gx = Tensor.NewLike([B, T, I]);
                Sgemm.Multiply(false, false, B * T, I, G, 1f, dxp, G, wi, I, 0f, gx.RawSpan, I);
            }
            if (wIh.RequiresGrad)
            {
                gWih = Tensor.NewLike([G, I]);
                Sgemm.Multiply(true, false, G, I, B * T, 1f, dxp, G, xc.RawSpan, I, 0f, gWih.RawSpan, I);
            }
            if (bIh is { RequiresGrad: true })
            {
                gbih = Tensor.NewLike([G]);
                Reductions.SumAxis(dxp, 1, B * T, G, gbih.RawSpan);
            }
            if (wHh.RequiresGrad) gWhh = new Tensor(dWhh, [G, H]);
            if (bHh is { RequiresGrad: true }) gbhh = new Tensor(dbhh, [G]);
            if (h0 is { RequiresGrad: true }) gh0 = new Tensor(dh, [B, H]);
            return new[] { gx, gWih, gWhh, bIh != null ? gbih : null, bHh != null ? gbhh : null, h0 != null ? gh0 : null };
        });
        return y;
    }

    private static float Sigmoid(float v) => 1f / (1f + MathF.Exp(-v));
}
