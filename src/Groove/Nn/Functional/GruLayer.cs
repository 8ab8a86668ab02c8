using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Groove.Nn.Kernels;

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
        CheckGruInput(x);
        var run = new GruDirection(x, wIh, wHh, bIh, bHh, h0, reverse, variant, outStride: wHh.Dim(1), outOffset: 0);
        var y = Tensor.NewLike([x.Dim(0), x.Dim(1), run.H]);
        bool record = Autograd.ShouldRecord(x, wIh, wHh, bIh, bHh, h0);
        run.Forward(y.Storage);
        if (record)
            Autograd.Record(y, run.Inputs, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (gy) =>
            {
                var gys = gy.DataContiguous();
                var grads = run.PrepareBackward();
                run.Backward(gys.Storage.AsSpan(gys.Offset, gys.Size), grads);
                return run.GradientTensors(grads);
            });
        return y;
    }

    /// <summary>
    /// Both directions of a bidirectional GRU layer as one fused operation whose two directions run concurrently
    /// (forward and backward pass). Returns [B, T, 2H]: forward-direction states in [..., :H], reverse in [..., H:].
    /// Weights and h0s are as for <see cref="GruLayer"/>, one set per direction.
    /// </summary>
    public static Tensor BiGruLayer(Tensor x,
        Tensor wIhF, Tensor wHhF, Tensor? bIhF, Tensor? bHhF, Tensor? h0F,
        Tensor wIhR, Tensor wHhR, Tensor? bIhR, Tensor? bHhR, Tensor? h0R, GruVariant variant = GruVariant.ResetAfter)
    {
        CheckGruInput(x);
        int H = wHhF.Dim(1);
        if (wHhR.Dim(1) != H) throw new ArgumentException("BiGRU: the two directions have different hidden sizes.");
        var fwd = new GruDirection(x, wIhF, wHhF, bIhF, bHhF, h0F, false, variant, outStride: 2 * H, outOffset: 0);
        var bwd = new GruDirection(x, wIhR, wHhR, bIhR, bHhR, h0R, true, variant, outStride: 2 * H, outOffset: H);
        var y = Tensor.NewLike([x.Dim(0), x.Dim(1), 2 * H]);
        bool record = Autograd.ShouldRecord(x, wIhF, wHhF, bIhF, bHhF, h0F) || Autograd.ShouldRecord(wIhR, wHhR, bIhR, bHhR, h0R);
        GruDirection.ForwardBoth(fwd, bwd, y.Storage);
        if (record)
            Autograd.Record(y, [.. fwd.Inputs, .. bwd.Inputs[1..]], [MethodImpl(MethodImplOptions.AggressiveOptimization)] (gy) =>
            {
                var gys = gy.DataContiguous();
                var gf = fwd.PrepareBackward();
                var gb = bwd.PrepareBackward();
                var arr = gys.Storage; int off = gys.Offset, n = gys.Size;
                GruDirection.BackwardBoth(fwd, bwd, arr, off, n, gf, gb);
                var tf = fwd.GradientTensors(gf);
                var tb = bwd.GradientTensors(gb);
                if (tf[0] != null && tb[0] != null) tf[0]!.AddInPlace(tb[0]!);
                return [tf[0] ?? tb[0], .. tf[1..], .. tb[1..]];
            });
        return y;
    }

    private static void CheckGruInput(Tensor x)
    {
        if (x.Rank != 3) throw new ArgumentException($"GRU expects input [B, T, I], got {ShapeUtil.Str(x.Shape)}.");
    }
}

/// <summary>
/// Forward and backward arithmetic of one GRU direction over a sequence. All buffers are taken on the constructing
/// thread (from the active <see cref="TensorArena"/>, if any), so <see cref="Forward"/> and <see cref="Backward"/>
/// may run on worker threads; they touch only spans, never tensor operations.
/// </summary>
internal sealed class GruDirection
{
    public readonly int B, T, I, H, G;
    private readonly bool _reverse, _after;
    private readonly Tensor _x, _wIh, _wHh;
    private readonly Tensor? _bIh, _bHh, _h0;
    private readonly Tensor _xc, _wiT, _whT;
    private readonly Tensor? _biT, _bhT, _h0T;
    private readonly int _outStride, _outOffset;
    private readonly float[] _xp, _h, _hp;
    private readonly float[]? _hn2;
    private readonly float[] _rS = [], _zS = [], _nS = [], _hnS = [], _hPrevS = [];
    private readonly float[] _hs = [], _cache = []; // ResetAfter: states [B·T, H] and GruSequence's cache [B·T, 4H]

    /// <summary>The autograd inputs in order: x, wIh, wHh, bIh, bHh, h0 (x stands in for absent ones).</summary>
    public Tensor[] Inputs => [_x, _wIh, _wHh, _bIh ?? _x, _bHh ?? _x, _h0 ?? _x];

    public GruDirection(Tensor x, Tensor wIh, Tensor wHh, Tensor? bIh, Tensor? bHh, Tensor? h0, bool reverse,
        GruVariant variant, int outStride, int outOffset)
    {
        (B, T, I, H) = (x.Dim(0), x.Dim(1), x.Dim(2), wHh.Dim(1));
        G = 3 * H;
        if (wIh.Dim(0) != G || wIh.Dim(1) != I || wHh.Dim(0) != G)
            throw new ArgumentException($"GRU: weights {ShapeUtil.Str(wIh.Shape)}/{ShapeUtil.Str(wHh.Shape)} do not fit input size {I}, hidden {H}.");
        if (bIh != null && bIh.Size != G || bHh != null && bHh.Size != G) throw new ArgumentException($"GRU: biases must have {G} values.");
        if (h0 != null && (h0.Rank != 2 || h0.Dim(0) != B || h0.Dim(1) != H)) throw new ArgumentException($"GRU: h0 must be [{B}, {H}].");
        (_x, _wIh, _wHh, _bIh, _bHh, _h0, _reverse, _after) = (x, wIh, wHh, bIh, bHh, h0, reverse, variant == GruVariant.ResetAfter);
        (_outStride, _outOffset) = (outStride, outOffset);
        _xc = x.DataContiguous(); _wiT = wIh.DataContiguous(); _whT = wHh.DataContiguous();
        _biT = bIh?.DataContiguous(); _bhT = bHh?.DataContiguous(); _h0T = h0?.DataContiguous();
        _xp = TensorArena.Rent(B * T * G);
        _h = TensorArena.Rent(B * H);
        _hp = TensorArena.Rent(B * G);
        _hn2 = _after ? null : TensorArena.Rent(B * H);
        int n1 = T * B * H;
        if (_after)
        {
            // ResetAfter runs on the fused recurrence kernel (Nn/Kernels/GruSequence).
            _hs = TensorArena.Rent(n1);
            _cache = TensorArena.Rent(GruSequence.CacheWidth * n1);
        }
        else
        {
            // Per-step gate states: needed by Backward, and used as the step scratch when no gradient is recorded.
            _rS = TensorArena.Rent(n1); _zS = TensorArena.Rent(n1); _nS = TensorArena.Rent(n1);
            _hnS = TensorArena.Rent(n1);   // r ⊙ h
            _hPrevS = TensorArena.Rent(n1);
        }
    }

    private static ReadOnlySpan<float> Data(Tensor? t) => t == null ? default : t.Storage.AsSpan(t.Offset, t.Size);

    /// <summary>The two directions of a bidirectional layer, and their arguments, on the caller's stack while the
    /// engine's <see cref="WorkerPool"/> runs one direction per core.</summary>
    private struct BothJob
    {
        public GruDirection Fwd, Bwd;
        public float[] Y;
        public int Offset, Length;
        public Grads? GradF, GradB;
    }

    /// <summary>Runs <see cref="Forward"/> of both directions concurrently (no allocation).</summary>
    public static unsafe void ForwardBoth(GruDirection fwd, GruDirection bwd, float[] y)
    {
        var job = new BothJob { Fwd = fwd, Bwd = bwd, Y = y };
        WorkerPool.Shared.For(2, &ForwardOne, (nint)Unsafe.AsPointer(ref job));
    }

    /// <summary>Runs <see cref="Backward"/> of both directions concurrently on gy = y[offset .. offset + length).</summary>
    public static unsafe void BackwardBoth(GruDirection fwd, GruDirection bwd, float[] gy, int offset, int length,
        Grads gradF, Grads gradB)
    {
        var job = new BothJob { Fwd = fwd, Bwd = bwd, Y = gy, Offset = offset, Length = length, GradF = gradF, GradB = gradB };
        WorkerPool.Shared.For(2, &BackwardOne, (nint)Unsafe.AsPointer(ref job));
    }

    private static unsafe void ForwardOne(nint state, int direction)
    {
        ref BothJob j = ref Unsafe.AsRef<BothJob>((void*)state);
        (direction == 0 ? j.Fwd : j.Bwd).Forward(j.Y);
    }

    private static unsafe void BackwardOne(nint state, int direction)
    {
        ref BothJob j = ref Unsafe.AsRef<BothJob>((void*)state);
        (direction == 0 ? j.Fwd : j.Bwd).Backward(j.Y.AsSpan(j.Offset, j.Length), direction == 0 ? j.GradF! : j.GradB!);
    }

    /// <summary>Runs the sequence, writing h_t to y[(b·T + t)·outStride + outOffset …] and keeping the gate states for Backward.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(float[] y)
    {
        ReadOnlySpan<float> xs = Data(_xc), wi = Data(_wiT), wh = Data(_whT), bi = Data(_biT), bh = Data(_bhT);
        var (rS, zS, nS, hnS, hPrevS) = (_rS, _zS, _nS, _hnS, _hPrevS);
        var xp = _xp; var h = _h; var hp = _hp; var hn2 = _hn2;
        if (!bi.IsEmpty) for (int r = 0; r < B * T; r++) bi.CopyTo(xp.AsSpan(r * G, G));
        if (B * T > 0) Sgemm.Multiply(false, true, B * T, G, I, 1f, xs, I, wi, I, bi.IsEmpty ? 0f : 1f, xp, G);
        if (_after)
        {
            GruSequence.Forward(T, B, H, batchFirst: true, _reverse, xp.AsSpan(0, B * T * G), wh, bh, Data(_h0T),
                _hs.AsSpan(0, B * T * H), _cache.AsSpan(0, GruSequence.CacheWidth * B * T * H));
            for (int r = 0; r < B * T; r++) _hs.AsSpan(r * H, H).CopyTo(y.AsSpan(r * _outStride + _outOffset, H));
            return;
        }
        h.AsSpan(0, B * H).Clear();
        Data(_h0T).CopyTo(h);
        int gates = _after ? G : 2 * H;
        for (int s = 0; s < T; s++)
        {
            int t = _reverse ? T - 1 - s : s;
            h.AsSpan(0, B * H).CopyTo(hPrevS.AsSpan(s * B * H, B * H));
            // hp = h·W_hhᵀ + b_hh (all three gates for ResetAfter; r and z only for ResetBefore).
            for (int b = 0; b < B; b++)
                if (!bh.IsEmpty) bh.Slice(0, gates).CopyTo(hp.AsSpan(b * G, gates));
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
                if (_after) hrow.Slice(2 * H, H).CopyTo(hnS.AsSpan(o, H));
                else TensorPrimitives.Multiply(r, h.AsSpan(b * H, H), hnS.AsSpan(o, H));
            }
            if (!_after)
            {
                // hn2 = (r ⊙ h)·W_hnᵀ + b_hn
                for (int b = 0; b < B; b++)
                    if (!bh.IsEmpty) bh.Slice(2 * H, H).CopyTo(hn2.AsSpan(b * H, H)); else hn2.AsSpan(b * H, H).Clear();
                Sgemm.Multiply(false, true, B, H, H, 1f, hnS.AsSpan(s * B * H, B * H), H, wh.Slice(2 * H * H, H * H), H, 1f, hn2, H);
            }
            for (int b = 0; b < B; b++)
            {
                var xn = xp.AsSpan((b * T + t) * G + 2 * H, H);
                int o = s * B * H + b * H;
                var n = nS.AsSpan(o, H); var hb = h.AsSpan(b * H, H);
                if (_after) TensorPrimitives.MultiplyAdd(rS.AsSpan(o, H), hnS.AsSpan(o, H), xn, n);
                else TensorPrimitives.Add(xn, hn2.AsSpan(b * H, H), n);
                TensorPrimitives.Tanh(n, n);
                // h = (1−z)·n + z·hPrev = n + z·(hPrev − n)
                TensorPrimitives.Subtract(hb, n, hb);
                TensorPrimitives.MultiplyAdd(zS.AsSpan(o, H), hb, n, hb);
                hb.CopyTo(y.AsSpan((b * T + t) * _outStride + _outOffset, H));
            }
        }
    }

    /// <summary>Gradient buffers, taken on the calling thread.</summary>
    public sealed class Grads
    {
        public required float[] Dxp, DWhh, Dbhh, Dh, Dhp, Dan;
        public float[]? Drh, GradHs;
        public Tensor? Gx, GWih, Gbih;
    }

    public Grads PrepareBackward() => new()
    {
        Dxp = TensorArena.Rent(B * T * G), DWhh = TensorArena.Rent(G * H), Dbhh = TensorArena.Rent(G),
        Dh = TensorArena.Rent(B * H), Dhp = TensorArena.Rent(B * G), Dan = TensorArena.Rent(B * H),
        Drh = _after ? null : TensorArena.Rent(B * H),
        GradHs = _after && _outStride != H ? TensorArena.Rent(B * T * H) : null,
        Gx = _x.RequiresGrad ? Tensor.NewLike([B, T, I]) : null,
        GWih = _wIh.RequiresGrad ? Tensor.NewLike([G, I]) : null,
        Gbih = _bIh is { RequiresGrad: true } ? Tensor.NewLike([G]) : null,
    };

    /// <summary>Back-propagation through time; gy is the full output gradient laid out like the forward output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> gy, Grads gr)
    {
        ReadOnlySpan<float> xs = Data(_xc), wi = Data(_wiT), wh = Data(_whT);
        var (dxp, dWhh, dbhh, dh, dhp, drh, dan) = (gr.Dxp, gr.DWhh, gr.Dbhh, gr.Dh, gr.Dhp, gr.Drh, gr.Dan);
        if (_after)
        {
            ReadOnlySpan<float> gradHs = gy.Slice(0, B * T * H);
            if (gr.GradHs != null)
            {
                for (int r = 0; r < B * T; r++) gy.Slice(r * _outStride + _outOffset, H).CopyTo(gr.GradHs.AsSpan(r * H, H));
                gradHs = gr.GradHs.AsSpan(0, B * T * H);
            }
            GruSequence.Backward(T, B, H, batchFirst: true, _reverse, wh, Data(_h0T), _hs.AsSpan(0, B * T * H),
                _cache.AsSpan(0, GruSequence.CacheWidth * B * T * H), gradHs, default,
                dxp.AsSpan(0, B * T * G), dWhh.AsSpan(0, G * H), dbhh.AsSpan(0, G), dh.AsSpan(0, B * H));
            InputGradients(gr, xs, wi);
            return;
        }
        var (rS, zS, nS, hnS, hPrevS) = (_rS, _zS, _nS, _hnS, _hPrevS);
        bool after = _after;
        int gates = after ? G : 2 * H;
        for (int s = T - 1; s >= 0; s--)
        {
            int t = _reverse ? T - 1 - s : s;
            int o0 = s * B * H;
            for (int b = 0; b < B; b++)
                TensorPrimitives.Add(dh.AsSpan(b * H, H), gy.Slice((b * T + t) * _outStride + _outOffset, H), dh.AsSpan(b * H, H));
            // Through h = (1−z)n + z·hPrev and n = tanh(a_n).
            for (int b = 0; b < B; b++)
            {
                var dxrow = dxp.AsSpan((b * T + t) * G, G);
                var dhpRow = dhp.AsSpan(b * G, G);
                for (int j = 0; j < H; j++)
                {
                    int o = o0 + b * H + j;
                    float z = zS[o], n = nS[o], hpv = hPrevS[o], d = dh[b * H + j];
                    float da = d * (1 - z) * (1 - n * n);
                    float dz = d * (hpv - n) * z * (1 - z);
                    dxrow[2 * H + j] = da;
                    dxrow[H + j] = dz;
                    dhpRow[H + j] = dz;
                    dh[b * H + j] = d * z; // direct path to hPrev; gate paths added below
                    if (after) dhpRow[2 * H + j] = da * rS[o];
                }
            }
            if (!after)
            {
                // a_n = xp_n + (r⊙h)·W_hnᵀ + b_hn: d(r⊙h) = dan·W_hn; dW_hn += danᵀ·(r⊙h).
                for (int b = 0; b < B; b++) dxp.AsSpan((b * T + t) * G + 2 * H, H).CopyTo(dan.AsSpan(b * H, H));
                Sgemm.Multiply(false, false, B, H, H, 1f, dan, H, wh.Slice(2 * H * H, H * H), H, 0f, drh, H);
                Sgemm.Multiply(true, false, H, H, B, 1f, dan, H, hnS.AsSpan(o0, B * H), H, 1f, dWhh.AsSpan(2 * H * H, H * H), H);
                for (int b = 0; b < B; b++)
                    TensorPrimitives.Add(dbhh.AsSpan(2 * H, H), dan.AsSpan(b * H, H), dbhh.AsSpan(2 * H, H));
            }
            for (int b = 0; b < B; b++)
            {
                var dxrow = dxp.AsSpan((b * T + t) * G, G);
                var dhpRow = dhp.AsSpan(b * G, G);
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
                    dhpRow[j] = dar;
                }
            }
            // Recurrent weights: dhPrev += dhp·W_hh[gates]; dW_hh[gates] += dhpᵀ·hPrev; db_hh += Σ_b dhp.
            Sgemm.Multiply(false, false, B, H, gates, 1f, dhp, G, wh, H, 1f, dh, H);
            Sgemm.Multiply(true, false, gates, H, B, 1f, dhp, G, hPrevS.AsSpan(o0, B * H), H, 1f, dWhh, H);
            for (int b = 0; b < B; b++)
                TensorPrimitives.Add(dbhh.AsSpan(0, gates), dhp.AsSpan(b * G, gates), dbhh.AsSpan(0, gates));
        }
        InputGradients(gr, xs, wi);
    }

    /// <summary>∂L/∂x, ∂L/∂W_ih and ∂L/∂b_ih from the input-gate gradients.</summary>
    private void InputGradients(Grads gr, ReadOnlySpan<float> xs, ReadOnlySpan<float> wi)
    {
        var dxp = gr.Dxp;
        if (gr.Gx != null) Sgemm.Multiply(false, false, B * T, I, G, 1f, dxp, G, wi, I, 0f, gr.Gx.RawSpan, I);
        if (gr.GWih != null) Sgemm.Multiply(true, false, G, I, B * T, 1f, dxp, G, xs, I, 0f, gr.GWih.RawSpan, I);
        if (gr.Gbih != null) Reductions.SumAxis(dxp, 1, B * T, G, gr.Gbih.RawSpan);
    }

    /// <summary>Gradients in <see cref="Inputs"/> order.</summary>
    public Tensor?[] GradientTensors(Grads gr) =>
    [
        gr.Gx, gr.GWih,
        _wHh.RequiresGrad ? new Tensor(gr.DWhh, [G, H]) : null,
        _bIh != null ? gr.Gbih : null,
        _bHh is { RequiresGrad: true } ? new Tensor(gr.Dbhh, [G]) : null,
        _h0 is { RequiresGrad: true } ? new Tensor(gr.Dh, [B, H]) : null,
    ];
}
