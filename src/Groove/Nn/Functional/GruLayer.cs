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
        var xc = x.DataContiguous(); var wi = wIh.DataContiguous().RawSpan.ToArray(); var wh = wHh.DataContiguous().RawSpan.ToArray();
        var bi = bIh?.DataContiguous().RawSpan.ToArray(); var bh = bHh?.DataContiguous().RawSpan.ToArray();

        // Input projections for every step at once: xp [B·T, 3H].
        var xp = new float[B * T * G];
        if (bi != null) for (int r = 0; r < B * T; r++) bi.CopyTo(xp.AsSpan(r * G, G));
        if (B * T > 0) Sgemm.Multiply(false, true, B * T, G, I, 1f, xc.RawSpan, I, wi, I, bi != null ? 1f : 0f, xp, G);

        bool record = Autograd.ShouldRecord(x, wIh, wHh, bIh, bHh, h0);
        // Saved per processing step s (time index t = reverse ? T−1−s : s), each [B, H].
        var rS = new float[T * B * H]; var zS = new float[T * B * H]; var nS = new float[T * B * H];
        var hnS = new float[T * B * H];   // ResetAfter: W_hn·h + b_hn; ResetBefore: r ⊙ h
        var hPrevS = new float[T * B * H];
        var y = Tensor.NewLike([B, T, H]);
        var ys = y.Storage;
        var h = new float[B * H];
        if (h0 != null) h0.DataContiguous().RawSpan.CopyTo(h);
        var hp = new float[B * G];
        var hn2 = after ? null : new float[B * H];
        int gates = after ? G : 2 * H;
        for (int s = 0; s < T; s++)
        {
            int t = reverse ? T - 1 - s : s;
            h.CopyTo(hPrevS.AsSpan(s * B * H, B * H));
            // hp = h·W_hhᵀ + b_hh (all three gates for ResetAfter; r and z only for ResetBefore).
            for (int b = 0; b < B; b++)
                if (bh != null) bh.AsSpan(0, gates).CopyTo(hp.AsSpan(b * G, gates));
                else hp.AsSpan(b * G, gates).Clear();
            Sgemm.Multiply(false, true, B, gates, H, 1f, h, H, wh, H, 1f, hp, G);
            for (int b = 0; b < B; b++)
            {
                var xrow = xp.AsSpan((b * T + t) * G, G); var hrow = hp.AsSpan(b * G, G);
                int o = s * B * H + b * H;
                for (int j = 0; j < H; j++)
                {
                    float r = Sigmoid(xrow[j] + hrow[j]);
                    float z = Sigmoid(xrow[H + j] + hrow[H + j]);
                    rS[o + j] = r; zS[o + j] = z;
                    if (after) hnS[o + j] = hrow[2 * H + j];
                    else hnS[o + j] = r * h[b * H + j];
                }
            }
            if (!after)
            {
                // hn2 = (r ⊙ h)·W_hnᵀ + b_hn
                for (int b = 0; b < B; b++)
                    if (bh != null) bh.AsSpan(2 * H, H).CopyTo(hn2.AsSpan(b * H, H)); else hn2.AsSpan(b * H, H).Clear();
                Sgemm.Multiply(false, true, B, H, H, 1f, hnS.AsSpan(s * B * H, B * H), H, wh.AsSpan(2 * H * H, H * H), H, 1f, hn2, H);
            }
            for (int b = 0; b < B; b++)
            {
                var xrow = xp.AsSpan((b * T + t) * G, G);
                int o = s * B * H + b * H;
                for (int j = 0; j < H; j++)
                {
                    float pre = after ? xrow[2 * H + j] + rS[o + j] * hnS[o + j] : xrow[2 * H + j] + hn2![b * H + j];
                    float n = MathF.Tanh(pre);
                    nS[o + j] = n;
                    float z = zS[o + j];
                    float hv = (1 - z) * n + z * h[b * H + j];
                    h[b * H + j] = hv;
                    ys[(b * T + t) * H + j] = hv;
                }
            }
        }
        if (!record) return y;

        var inputs = new[] { x, wIh, wHh, bIh ?? x, bHh ?? x, h0 ?? x };
        Autograd.Record(y, inputs, gy =>
        {
            var gys = gy.DataContiguous().RawSpan.ToArray();
            var dxp = new float[B * T * G];
            var dWhh = new float[G * H];
            var dbhh = new float[G];
            var dh = new float[B * H];
            var dhp = new float[B * G];
            var drh = after ? null : new float[B * H];
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
                    var dan = new float[B * H];
                    for (int b = 0; b < B; b++) dxp.AsSpan((b * T + t) * G + 2 * H, H).CopyTo(dan.AsSpan(b * H, H));
                    Sgemm.Multiply(false, false, B, H, H, 1f, dan, H, wh.AsSpan(2 * H * H, H * H), H, 0f, drh, H);
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
            if (wHh.RequiresGrad) gWhh = Tensor.Wrap(dWhh, G, H);
            if (bHh is { RequiresGrad: true }) gbhh = Tensor.Wrap(dbhh, G);
            if (h0 is { RequiresGrad: true }) gh0 = Tensor.Wrap(dh, B, H);
            return new[] { gx, gWih, gWhh, bIh != null ? gbih : null, bHh != null ? gbhh : null, h0 != null ? gh0 : null };
        });
        return y;
    }

    private static float Sigmoid(float v) => 1f / (1f + MathF.Exp(-v));
}
