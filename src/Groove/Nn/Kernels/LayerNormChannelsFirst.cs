using System.Buffers;
using System.Numerics.Tensors;

namespace Groove.Nn.Kernels;

/// <summary>
/// Layer normalisation over the channel axis of NC(HW) data, as in ConvNeXt's "channels_first" LayerNorm (Liu et
/// al., CVPR 2022): for every image n and position p, y[n,c,p] = (x[n,c,p] − μ[n,p]) / √(σ²[n,p] + eps) · w[c] + b[c],
/// with μ and the biased σ² taken over c. Works on whole channel rows (vectorised across positions), so no
/// permute-and-copy to channels-last is needed. Images are spread over the cores when the work is large.
/// </summary>
internal static class LayerNormChannelsFirst
{
    const long ParallelThreshold = 1L << 16;

    /// <summary>Normalises x [n, c, p] into y; saves μ and 1/σ (each [n, p]) for <see cref="Backward"/>.
    /// Empty w / b mean 1 / 0.</summary>
    public static unsafe void Forward(int n, int c, int p, ReadOnlySpan<float> x, ReadOnlySpan<float> w,
        ReadOnlySpan<float> b, float eps, Span<float> y, Span<float> mean, Span<float> rstd)
    {
        Check(n, c, p, x.Length, w.Length, b.Length, y.Length, mean.Length, rstd.Length);
        bool hasW = !w.IsEmpty, hasB = !b.IsEmpty;
        fixed (float* px = x, pw = w, pb = b, py = y, pm = mean, pr = rstd)
        {
            nint ix = (nint)px, iw = (nint)pw, ib = (nint)pb, iy = (nint)py, im = (nint)pm, ir = (nint)pr;
            For(n, (long)n * c * p, img =>
            {
                long plane = (long)c * p;
                var xs = new ReadOnlySpan<float>((float*)ix + img * plane, (int)plane);
                var ys = new Span<float>((float*)iy + img * plane, (int)plane);
                var mu = new Span<float>((float*)im + (long)img * p, p);
                var rs = new Span<float>((float*)ir + (long)img * p, p);
                mu.Clear();
                for (int ch = 0; ch < c; ch++) TensorPrimitives.Add(mu, xs.Slice(ch * p, p), mu);
                TensorPrimitives.Multiply(mu, 1f / c, mu);
                rs.Clear();
                for (int ch = 0; ch < c; ch++)
                {
                    Span<float> yr = ys.Slice(ch * p, p);
                    TensorPrimitives.Subtract(xs.Slice(ch * p, p), mu, yr); // centred values, reused below
                    TensorPrimitives.FusedMultiplyAdd(yr, yr, rs, rs);
                }
                TensorPrimitives.Multiply(rs, 1f / c, rs);
                TensorPrimitives.Add(rs, eps, rs);
                TensorPrimitives.ReciprocalSqrt(rs, rs);
                for (int ch = 0; ch < c; ch++)
                {
                    Span<float> yr = ys.Slice(ch * p, p);
                    float wc = hasW ? ((float*)iw)[ch] : 1f, bc = hasB ? ((float*)ib)[ch] : 0f;
                    TensorPrimitives.Multiply(yr, rs, yr);
                    TensorPrimitives.Multiply(yr, wc, yr);
                    TensorPrimitives.Add(yr, bc, yr);
                }
            });
        }
    }

    /// <summary>
    /// Gradients of <see cref="Forward"/>: gx (overwritten, or empty to skip), gw and gb (overwritten, or empty to
    /// skip) from x, w, the saved μ and 1/σ, and gy.
    /// </summary>
    public static unsafe void Backward(int n, int c, int p, ReadOnlySpan<float> x, ReadOnlySpan<float> w,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, ReadOnlySpan<float> gy, Span<float> gx, Span<float> gw,
        Span<float> gb)
    {
        Check(n, c, p, x.Length, w.Length, 0, gy.Length, mean.Length, rstd.Length);
        if (!gx.IsEmpty && gx.Length < (long)n * c * p) throw new ArgumentException("LayerNormChannelsFirst: gx shorter than n·c·p");
        if ((!gw.IsEmpty && gw.Length < c) || (!gb.IsEmpty && gb.Length < c))
            throw new ArgumentException("LayerNormChannelsFirst: gw/gb shorter than channels");
        bool hasW = !w.IsEmpty, wantX = !gx.IsEmpty, wantW = !gw.IsEmpty, wantB = !gb.IsEmpty;
        // Per-image partial sums of gw and gb, reduced after the parallel loop.
        float[] partial = ArrayPool<float>.Shared.Rent(2 * n * c);
        try
        {
            fixed (float* px = x, pw = w, pm = mean, pr = rstd, pgy = gy, pgx = gx, ppart = partial)
            {
                nint ix = (nint)px, iw = (nint)pw, im = (nint)pm, ir = (nint)pr, igy = (nint)pgy, igx = (nint)pgx, ipart = (nint)ppart;
                For(n, 3L * n * c * p, img =>
                {
                    long plane = (long)c * p;
                    var xs = new ReadOnlySpan<float>((float*)ix + img * plane, (int)plane);
                    var gys = new ReadOnlySpan<float>((float*)igy + img * plane, (int)plane);
                    var mu = new ReadOnlySpan<float>((float*)im + (long)img * p, p);
                    var rs = new ReadOnlySpan<float>((float*)ir + (long)img * p, p);
                    float* part = (float*)ipart + 2L * img * c;
                    float[] buf = ArrayPool<float>.Shared.Rent(3 * p);
                    try
                    {
                        Span<float> xhat = buf.AsSpan(0, p), m1 = buf.AsSpan(p, p), m2 = buf.AsSpan(2 * p, p);
                        m1.Clear(); m2.Clear();
                        for (int ch = 0; ch < c; ch++)
                        {
                            ReadOnlySpan<float> g = gys.Slice(ch * p, p);
                            TensorPrimitives.Subtract(xs.Slice(ch * p, p), mu, xhat);
                            TensorPrimitives.Multiply(xhat, rs, xhat);
                            part[ch] = TensorPrimitives.Dot(g, xhat);
                            part[c + ch] = TensorPrimitives.Sum(g);
                            if (!wantX) continue;
                            float wc = hasW ? ((float*)iw)[ch] : 1f;
                            TensorPrimitives.MultiplyAdd(g, wc, m1, m1);
                            // m2 += wc·g∘x̂
                            TensorPrimitives.Multiply(g, xhat, xhat);
                            TensorPrimitives.MultiplyAdd(xhat, wc, m2, m2);
                        }
                        if (!wantX) return;
                        TensorPrimitives.Multiply(m1, 1f / c, m1);
                        TensorPrimitives.Multiply(m2, 1f / c, m2);
                        var gxs = new Span<float>((float*)igx + img * plane, (int)plane);
                        for (int ch = 0; ch < c; ch++)
                        {
                            // gx = 1/σ · (w·g − m1 − x̂·m2)
                            float wc = hasW ? ((float*)iw)[ch] : 1f;
                            Span<float> o = gxs.Slice(ch * p, p);
                            TensorPrimitives.Subtract(xs.Slice(ch * p, p), mu, xhat);
                            TensorPrimitives.Multiply(xhat, rs, xhat);
                            TensorPrimitives.Multiply(xhat, m2, xhat);
                            TensorPrimitives.Multiply(gys.Slice(ch * p, p), wc, o);
                            TensorPrimitives.Subtract(o, m1, o);
                            TensorPrimitives.Subtract(o, xhat, o);
                            TensorPrimitives.Multiply(o, rs, o);
                        }
                    }
                    finally { ArrayPool<float>.Shared.Return(buf); }
                });
            }
            if (wantW) gw.Slice(0, c).Clear();
            if (wantB) gb.Slice(0, c).Clear();
            for (int img = 0; img < n; img++)
            {
                if (wantW) TensorPrimitives.Add(gw.Slice(0, c), partial.AsSpan(2 * img * c, c), gw.Slice(0, c));
                if (wantB) TensorPrimitives.Add(gb.Slice(0, c), partial.AsSpan(2 * img * c + c, c), gb.Slice(0, c));
            }
        }
        finally { ArrayPool<float>.Shared.Return(partial); }
    }

    static void Check(int n, int c, int p, int x, int w, int b, int y, int mean, int rstd)
    {
        if (n < 0 || c <= 0 || p < 0) throw new ArgumentException($"LayerNormChannelsFirst: invalid sizes n={n} c={c} p={p}");
        long size = (long)n * c * p, stats = (long)n * p;
        if (x < size || y < size) throw new ArgumentException("LayerNormChannelsFirst: x or y shorter than n·c·p");
        if ((w != 0 && w < c) || (b != 0 && b < c)) throw new ArgumentException("LayerNormChannelsFirst: w/b shorter than channels");
        if (mean < stats || rstd < stats) throw new ArgumentException("LayerNormChannelsFirst: mean/rstd shorter than n·p");
    }

    static void For(int count, long work, Action<int> body)
    {
        if (count > 1 && work >= ParallelThreshold) WorkerPool.Shared.For(count, body);
        else for (int i = 0; i < count; i++) body(i);
    }
}
