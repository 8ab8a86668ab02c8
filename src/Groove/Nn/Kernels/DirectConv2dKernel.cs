using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Groove.Nn.Kernels;

/// <summary>
/// <see cref="IConv2dKernel"/> for dense stride-1 convolutions with few channels (≤ <see cref="MaxChannels"/> in and
/// out: the beat TCN, the small Zero-Note Samba branch), computed directly, without im2col or SGEMM packing: at
/// 8–32 channels the patch matrix has only Cin·Kh·Kw rows, so packing it costs about as much as multiplying it.
/// Work is split into runs of output rows; each run first copies the input rows it reads into an L2-resident scratch
/// in zero-padded form (<see cref="DirectConvPlanes"/>), after which every output position is bias + Σ over taps of
/// weight × input at a fixed offset, accumulated in registers by the tiles of <see cref="DirectConvTiles"/>,
/// vectorised along positions (time). The data gradient is the same correlation run on the padded output gradient
/// with the taps flipped and the channel roles swapped; the weight gradient is, per output channel and tap, a dot
/// product of the output gradient with the shifted padded input, each run into its own partial sums, added in a fixed
/// order (results do not depend on the thread count or schedule). A convolution whose kernel spans a narrow width
/// (one output column) runs on the transposed images. Work runs on the engine's <see cref="WorkerPool"/>.
/// </summary>
internal sealed unsafe class DirectConv2dKernel(SimdPath path, int maxThreads) : IConv2dKernel
{
    /// <summary>The kernel on the start-up SIMD path, using every core.</summary>
    public DirectConv2dKernel() : this(SimdPaths.Best, Environment.ProcessorCount) { }

    /// <summary>Most input and output channels the kernel takes: above them the packed SGEMM's reuse wins.</summary>
    public const int MaxChannels = 32;

    /// <summary>Below this many multiply-adds per call the work stays on the calling thread.</summary>
    const long ParallelThreshold = 1L << 20;

    /// <summary>Output positions per forward work item (whole rows, at least one).</summary>
    const int ForwardChunk = 512;

    /// <summary>Floats of (input + gradient) rows a weight-gradient work item streams: about half an L2.</summary>
    const int WeightChunkFloats = 1 << 17;

    /// <summary>Zeroed floats after the last padded plane: a strip reads up to <see cref="StripMax"/> positions past
    /// its start.</summary>
    const int Slack = 2 * StripMax;

    const int StripMax = 64;

    public bool Supports(in Conv2dGeometry g) =>
        g.Groups == 1 && g.StrideH == 1 && g.StrideW == 1 && g.Cin <= MaxChannels && g.Cout <= MaxChannels
        && (RowsFit(g) || RowsFit(SwapAxes(g)));

    /// <summary>Whether the convolution runs well along its rows: padding columns are computed and dropped, so they
    /// must stay under a third of the positions (in the forward and the data-gradient layout), unless there is a
    /// single row (no padding column is ever reached); and the padded planes must be int-addressable.</summary>
    static bool RowsFit(in Conv2dGeometry g) =>
        (g.Hout == 1 || 2 * (g.Kw - 1) * g.DilationW <= g.Wout)
        && (g.H == 1 || 2 * (g.Kw - 1) * g.DilationW <= g.W)
        && ForwardLayout(g).Fits(g.Cin) && DataGradientLayout(g).Fits(g.Cout);

    /// <summary>The same convolution on images with rows and columns exchanged (kernels transposed alike): how a
    /// convolution whose kernel spans a narrow width (the beat TCN's (1, 8) over 8 bands, one output column) runs
    /// along its long axis instead.</summary>
    static Conv2dGeometry SwapAxes(in Conv2dGeometry g) =>
        new(g.N, g.Cin, g.W, g.H, g.Cout, g.Kw, g.Kh, 1, 1, g.DilationW, g.DilationH, g.PadLeft, g.PadTop, g.Wout,
            g.Hout, 1);

    static DirectConvPlanes ForwardLayout(in Conv2dGeometry g) =>
        new(g.H, g.W, g.PadTop, g.PadLeft, g.Hout, g.Wout, g.Kh, g.Kw, g.DilationH, g.DilationW);

    /// <summary>The data gradient's layout: gx = gy ⋆ flipped W, padding dilation·(k − 1) − pad.</summary>
    static DirectConvPlanes DataGradientLayout(in Conv2dGeometry g) =>
        new(g.Hout, g.Wout, g.DilationH * (g.Kh - 1) - g.PadTop, g.DilationW * (g.Kw - 1) - g.PadLeft, g.H, g.W,
            g.Kh, g.Kw, g.DilationH, g.DilationW);

    /// <summary>Positions per forward tile on a path.</summary>
    static int Strip(SimdPath path) => path switch { SimdPath.Avx512 => 64, SimdPath.Avx2Fma => 16, _ => 16 };

    /// <summary>Lanes per vector on a path (the weight gradient's step along positions).</summary>
    static int Lanes(SimdPath path) => path switch { SimdPath.Avx512 => 16, SimdPath.Avx2Fma => 8, _ => 1 };

    /// <summary>Taps per weight-gradient tile on a path.</summary>
    static int TapBlock(SimdPath path) => path == SimdPath.Avx512 ? 4 : path == SimdPath.Avx2Fma ? 2 : 1;

    int ThreadsFor(long macs) => macs < ParallelThreshold ? 1 : Math.Max(1, Math.Min(maxThreads, WorkerPool.Shared.Threads));

    public void Forward(in Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        Span<float> y) => Run(Op.Forward, g, x, w, bias, y, default);

    public void BackwardData(in Conv2dGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx) =>
        Run(Op.Data, g, gy, w, default, gx, default);

    public void BackwardWeight(in Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gw,
        Span<float> gb) => Run(Op.Weight, g, x, gy, default, gw, gb);

    enum Op { Forward, Data, Weight }

    /// <summary>
    /// One of the three computations: forward (a = x, b = w, o = y), data gradient (a = gy, b = w, o = gx) or
    /// weight gradient (a = x, b = gy, o = gw, and gb); along the rows, or, where the rows do not fit
    /// (<see cref="RowsFit"/>), on copies with rows and columns exchanged, the result exchanged back.
    /// </summary>
    void Run(Op op, in Conv2dGeometry g, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias,
        Span<float> o, Span<float> gb)
    {
        if (RowsFit(g))
        {
            RunRows(op, g, a, b, bias, o, gb);
            return;
        }
        // Planes × rows × columns of each operand.
        var (x, gy, w) = ((g.N * g.Cin, g.H, g.W), (g.N * g.Cout, g.Hout, g.Wout), (g.Cout * g.Cin, g.Kh, g.Kw));
        var (sa, sb, so) = op switch
        {
            Op.Forward => (x, w, gy),
            Op.Data => (gy, w, x),
            _ => (x, gy, w),
        };
        float[] at = Swapped(a, sa.Item1, sa.Item2, sa.Item3), bt = Swapped(b, sb.Item1, sb.Item2, sb.Item3);
        float[] ot = ArrayPool<float>.Shared.Rent(o.Length);
        try
        {
            RunRows(op, SwapAxes(g), at.AsSpan(0, a.Length), bt.AsSpan(0, b.Length), bias, ot.AsSpan(0, o.Length), gb);
            SwapInto(ot, so.Item1, so.Item3, so.Item2, o);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(at);
            ArrayPool<float>.Shared.Return(bt);
            ArrayPool<float>.Shared.Return(ot);
        }
    }

    void RunRows(Op op, in Conv2dGeometry g, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias,
        Span<float> o, Span<float> gb)
    {
        switch (op)
        {
            case Op.Forward: ForwardRows(g, a, b, bias, o); break;
            case Op.Data: BackwardDataRows(g, a, b, o); break;
            default: BackwardWeightRows(g, a, b, o, gb); break;
        }
    }

    /// <summary>A pooled copy of <paramref name="planes"/> [rows × cols] planes with rows and columns exchanged.</summary>
    static float[] Swapped(ReadOnlySpan<float> src, int planes, int rows, int cols)
    {
        float[] dst = ArrayPool<float>.Shared.Rent(planes * rows * cols);
        SwapInto(src, planes, rows, cols, dst);
        return dst;
    }

    /// <summary>dst[p, c, r] = src[p, r, c] for planes of rows × cols, split over the pool's threads when large.</summary>
    static void SwapInto(ReadOnlySpan<float> src, int planes, int rows, int cols, Span<float> dst)
    {
        int size = rows * cols;
        if (rows == 1 || cols == 1)
        {
            src.Slice(0, planes * size).CopyTo(dst);
            return;
        }
        fixed (float* ps = src) fixed (float* pd = dst)
        {
            var job = new SwapJob { Src = ps, Dst = pd, Planes = planes, Rows = rows, Cols = cols };
            if ((long)planes * size < ParallelSlabs.Threshold || planes < 2)
                SwapItem((nint)(&job), -1);
            else
            {
                job.Parts = Math.Min(planes, 4 * WorkerPool.Shared.Threads);
                WorkerPool.Shared.For(job.Parts, &SwapItem, (nint)(&job));
            }
        }
    }

    struct SwapJob
    {
        public float* Src, Dst;
        public int Planes, Rows, Cols, Parts;
    }

    /// <summary>Part <paramref name="part"/> of the planes (all of them for −1).</summary>
    static void SwapItem(nint state, int part)
    {
        ref readonly SwapJob j = ref *(SwapJob*)state;
        int p0 = part < 0 ? 0 : (int)((long)j.Planes * part / j.Parts);
        int p1 = part < 0 ? j.Planes : (int)((long)j.Planes * (part + 1) / j.Parts);
        long size = (long)j.Rows * j.Cols;
        for (int p = p0; p < p1; p++)
        {
            float* s = j.Src + p * size, d = j.Dst + p * size;
            for (int r = 0; r < j.Rows; r++)
                for (int c = 0; c < j.Cols; c++) d[c * j.Rows + r] = s[r * j.Cols + c];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void ForwardRows(in Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        Span<float> y)
    {
        int K = g.PatchSize, blocks = (g.Cout + 3) / 4;
        float[] wq = ArrayPool<float>.Shared.Rent(blocks * 4 * K + blocks * 4);
        try
        {
            // wq[(b·K + t)·4 + r] = w[4b + r, t] (zero for channels past Cout); the block biases follow.
            var packed = wq.AsSpan(0, blocks * 4 * K);
            var b4 = wq.AsSpan(blocks * 4 * K, blocks * 4);
            for (int b = 0; b < blocks; b++)
                for (int r = 0; r < 4; r++)
                {
                    int o = 4 * b + r;
                    for (int t = 0; t < K; t++) packed[(b * K + t) * 4 + r] = o < g.Cout ? w[o * K + t] : 0f;
                    b4[4 * b + r] = o < g.Cout && !bias.IsEmpty ? bias[o] : 0f;
                }
            fixed (float* px = x) fixed (float* pw = wq) fixed (float* py = y)
                Convolve(ForwardLayout(g), g.N, g.Cin, g.Cout, px, pw, pw + blocks * 4 * K, py);
        }
        finally { ArrayPool<float>.Shared.Return(wq); }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void BackwardDataRows(in Conv2dGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx)
    {
        // gx[c, h, w] = Σ_{o,i,j} W[o, c, i, j] · gy[o, h + pt − i·dh, w + pl − j·dw]: a stride-1 correlation of gy
        // with W'[c, o, i', j'] = W[o, c, Kh−1−i', Kw−1−j'].
        int taps = g.Kh * g.Kw, K = g.Cout * taps, blocks = (g.Cin + 3) / 4;
        float[] wq = ArrayPool<float>.Shared.Rent(blocks * 4 * K + blocks * 4);
        try
        {
            var packed = wq.AsSpan(0, blocks * 4 * K);
            for (int b = 0; b < blocks; b++)
                for (int r = 0; r < 4; r++)
                {
                    int c = 4 * b + r;
                    for (int o = 0; o < g.Cout; o++)
                        for (int t = 0; t < taps; t++)
                            packed[(b * K + o * taps + t) * 4 + r] =
                                c < g.Cin ? w[(o * g.Cin + c) * taps + taps - 1 - t] : 0f;
                }
            wq.AsSpan(blocks * 4 * K, blocks * 4).Clear();
            fixed (float* pgy = gy) fixed (float* pw = wq) fixed (float* pgx = gx)
                Convolve(DataGradientLayout(g), g.N, g.Cout, g.Cin, pgy, pw, pw + blocks * 4 * K, pgx);
        }
        finally { ArrayPool<float>.Shared.Return(wq); }
    }

    /// <summary>y[n, o] = bias4[o] + Σ_t wq[o, t] · x[n] ⋆ tap t, for the layout <paramref name="p"/>, by (sample,
    /// run of output rows) items that pad their input rows into a scratch and run the forward tiles over all
    /// output-channel blocks.</summary>
    void Convolve(in DirectConvPlanes p, int n, int cin, int cout, float* x, float* wq, float* bias4, float* y)
    {
        int K = cin * p.Kh * p.Kw;
        int rowsPerItem = Math.Clamp(ForwardChunk / p.Wout, 1, p.Hout), chunks = (p.Hout + rowsPerItem - 1) / rowsPerItem;
        int staged = p.RowsFor(rowsPerItem) * p.Pitch;
        int[] tapArray = ArrayPool<int>.Shared.Rent(K);
        try
        {
            fixed (int* taps = tapArray)
            {
                p.FillTaps(cin, staged, taps);
                var job = new ForwardJob
                {
                    Layout = p, X = x, Taps = taps, K = K, Wq = wq, Bias = bias4, Y = y, Cin = cin, Cout = cout,
                    Staged = staged, RowsPerItem = rowsPerItem, Chunks = chunks, Path = path,
                };
                Run(n * chunks, ThreadsFor((long)n * cout * K * p.Hout * p.Wout), &ForwardItem, (nint)(&job));
            }
        }
        finally { ArrayPool<int>.Shared.Return(tapArray); }
    }

    /// <summary>A forward (or data-gradient) convolution's operands, on the caller's stack while the pool runs it.</summary>
    struct ForwardJob
    {
        public DirectConvPlanes Layout;
        public float* X, Wq, Bias, Y;
        public int* Taps;
        public int K, Cin, Cout, Staged, RowsPerItem, Chunks;
        public SimdPath Path;
    }

    /// <summary>One (sample, run of output rows), every output-channel block: the run's padded input rows into an
    /// L2-resident scratch, then full-width tiles straight into y, the rest of each row (and blocks of fewer than 4
    /// channels) through a scratch tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ForwardItem(nint state, int item)
    {
        ref readonly ForwardJob j = ref *(ForwardJob*)state;
        ref readonly DirectConvPlanes p = ref j.Layout;
        int n = item / j.Chunks, chunk = item - n * j.Chunks;
        int oh0 = chunk * j.RowsPerItem, oh1 = Math.Min(p.Hout, oh0 + j.RowsPerItem);
        int S = Strip(j.Path), blocks = (j.Cout + 3) / 4, wout = p.Wout, pitch = p.Pitch;
        long outPlane = (long)p.Hout * wout;
        float[] scratch = ArrayPool<float>.Shared.Rent(j.Cin * j.Staged + Slack);
        try
        {
            fixed (float* xs = scratch)
            {
                p.PadRows(j.X + (long)n * j.Cin * p.H * p.W, j.Cin, oh0, j.Staged / pitch, xs, j.Staged);
                new Span<float>(xs + (long)j.Cin * j.Staged, Slack).Clear();
                float* tmp = stackalloc float[4 * StripMax];
                for (int b = 0; b < blocks; b++)
                {
                    float* wq = j.Wq + (long)b * j.K * 4, bias = j.Bias + 4 * b;
                    float* y0 = j.Y + ((long)n * j.Cout + 4 * b) * outPlane;
                    int rows = Math.Min(4, j.Cout - 4 * b);
                    for (int oh = oh0; oh < oh1; oh++)
                    {
                        float* xr = xs + (long)(oh - oh0) * pitch, yr = y0 + (long)oh * wout;
                        int ow = 0;
                        if (rows == 4)
                            for (; ow + S <= wout; ow += S) Tile(j.Path, S, xr + ow, j.Taps, j.K, wq, bias, yr + ow, outPlane);
                        while (ow < wout)
                        {
                            int width = TailWidth(j.Path, wout - ow), valid = Math.Min(width, wout - ow);
                            Tile(j.Path, width, xr + ow, j.Taps, j.K, wq, bias, tmp, StripMax);
                            for (int r = 0; r < rows; r++)
                                new ReadOnlySpan<float>(tmp + r * StripMax, valid).CopyTo(new Span<float>(yr + r * outPlane + ow, valid));
                            ow += width;
                        }
                    }
                }
            }
        }
        finally { ArrayPool<float>.Shared.Return(scratch); }
    }

    /// <summary>Width of the narrowest tile that covers <paramref name="rest"/> positions (at most a full strip).</summary>
    static int TailWidth(SimdPath path, int rest)
    {
        int L = Lanes(path);
        if (path == SimdPath.Scalar) return Math.Min(rest, Strip(path));
        return rest <= L ? L : rest <= 2 * L ? 2 * L : Strip(path);
    }

    /// <summary>One forward tile of <paramref name="width"/> positions (a path's 1, 2 or 4 vectors; any width ≤ the
    /// strip on the scalar path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Tile(SimdPath path, int width, float* x, int* taps, int k, float* wq, float* bias, float* dst, long ds)
    {
        switch (path)
        {
            case SimdPath.Avx512:
                if (width == 64) DirectConvTiles.Forward<Lanes512, Vector512<float>, FourVectors>(x, taps, k, wq, bias, dst, ds);
                else if (width == 32) DirectConvTiles.Forward<Lanes512, Vector512<float>, TwoVectors>(x, taps, k, wq, bias, dst, ds);
                else DirectConvTiles.Forward<Lanes512, Vector512<float>, OneVector>(x, taps, k, wq, bias, dst, ds);
                break;
            case SimdPath.Avx2Fma:
                if (width == 16) DirectConvTiles.Forward<Lanes256, Vector256<float>, TwoVectors>(x, taps, k, wq, bias, dst, ds);
                else DirectConvTiles.Forward<Lanes256, Vector256<float>, OneVector>(x, taps, k, wq, bias, dst, ds);
                break;
            default:
                DirectConvTiles.ForwardScalar(x, taps, k, wq, bias, dst, ds, width);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void BackwardWeightRows(in Conv2dGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gw,
        Span<float> gb)
    {
        int outPlane = g.OutPlane;
        var p = ForwardLayout(g);
        int K = g.PatchSize, TB = TapBlock(path);
        int cout4 = (g.Cout + 3) / 4 * 4, kPad = (K + TB - 1) / TB * TB;
        // Items are runs of output rows sized so that their input and output-gradient rows stay in L2: within one
        // sample, or, for kernels one row tall (every output row reads only its own input row), across samples, so
        // that short rows (a 1-D convolution's) share one pass of the tiles and their lane reductions.
        int limit = Math.Max(1, WeightChunkFloats / (g.Cin + cout4) / p.Pitch);
        bool acrossSamples = g.Kh == 1;
        int span = acrossSamples ? g.N * g.Hout : g.Hout, chunks = (span + limit - 1) / limit;
        int rowsPerItem = (span + chunks - 1) / chunks;
        chunks = (span + rowsPerItem - 1) / rowsPerItem;
        int items = acrossSamples ? chunks : g.N * chunks;
        int staged = p.RowsFor(rowsPerItem) * p.Pitch;
        // Per item: the weight-gradient partial sums [cout4][kPad], then the bias-gradient ones [cout4].
        int itemStride = cout4 * (kPad + 1);
        float[] partialArray = ArrayPool<float>.Shared.Rent(items * itemStride);
        int[] tapArray = ArrayPool<int>.Shared.Rent(kPad);
        try
        {
            fixed (float* px = x) fixed (float* pgy = gy) fixed (float* partial = partialArray) fixed (int* taps = tapArray)
            {
                p.FillTaps(g.Cin, staged, taps);
                for (int t = K; t < kPad; t++) taps[t] = taps[0]; // past the last tap: any valid row, results dropped
                var job = new WeightJob
                {
                    Layout = p, X = px, Gy = pgy, Partial = partial, ItemStride = itemStride, Taps = taps, KPad = kPad,
                    Cin = g.Cin, Cout = g.Cout, Cout4 = cout4, Staged = staged, RowsPerItem = rowsPerItem, Chunks = chunks,
                    AcrossSamples = acrossSamples, N = g.N, Path = path,
                };
                Run(items, ThreadsFor((long)g.N * g.Cout * K * outPlane), &WeightItem, (nint)(&job));
                // gw[o, t] = Σ_items partial[item, o, t], items in order.
                for (int o = 0; o < g.Cout; o++)
                {
                    var row = gw.Slice(o * K, K);
                    new ReadOnlySpan<float>(partial + o * kPad, K).CopyTo(row);
                    for (int it = 1; it < items; it++)
                        TensorPrimitives.Add(row, new ReadOnlySpan<float>(partial + (long)it * itemStride + o * kPad, K), row);
                }
                if (!gb.IsEmpty)
                    for (int o = 0; o < g.Cout; o++)
                    {
                        float sum = 0f;
                        for (int it = 0; it < items; it++) sum += partial[(long)it * itemStride + cout4 * kPad + o];
                        gb[o] = sum;
                    }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(partialArray);
            ArrayPool<int>.Shared.Return(tapArray);
        }
    }

    /// <summary>A weight gradient's operands, on the caller's stack while the pool runs it.</summary>
    struct WeightJob
    {
        public DirectConvPlanes Layout;
        public float* X, Gy, Partial;
        public int* Taps;
        public int ItemStride, KPad, Cin, Cout, Cout4, Staged, RowsPerItem, Chunks, N;
        public bool AcrossSamples;
        public SimdPath Path;
    }

    /// <summary>
    /// One (sample, run of output rows): partial[item, o, t] = Σ_q gy[n, o, q] · x[n, q + tap t] over the run's
    /// positions, and the bias gradient's partial Σ_q gy[n, o, q]. The run's padded input rows and its output
    /// gradient (in the input's pitch: zero in the padding columns, past the last output and for the channels up to
    /// a multiple of 4; 64-byte aligned) are first copied into an L2-resident scratch, so that the tiles stream both
    /// operands along positions without bounds tests.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void WeightItem(nint state, int item)
    {
        ref readonly WeightJob j = ref *(WeightJob*)state;
        ref readonly DirectConvPlanes p = ref j.Layout;
        // Rows R = n·Hout + oh in [r0, r1): one sample's run, or (kernels one row tall) a run across samples.
        int hout = p.Hout, r0, r1;
        if (j.AcrossSamples)
        {
            r0 = item * j.RowsPerItem;
            r1 = Math.Min(j.N * hout, r0 + j.RowsPerItem);
        }
        else
        {
            int n0 = item / j.Chunks, oh0 = (item - n0 * j.Chunks) * j.RowsPerItem;
            r0 = n0 * hout + oh0;
            r1 = n0 * hout + Math.Min(hout, oh0 + j.RowsPerItem);
        }
        int L = Lanes(j.Path), pitch = p.Pitch, wout = p.Wout;
        int used = (r1 - r0 - 1) * pitch + wout;
        int len = (used + L - 1) / L * L, stride = (len + 15) / 16 * 16;
        int xFloats = j.Cin * j.Staged + Slack;
        float[] scratchArray = ArrayPool<float>.Shared.Rent(j.Cout4 * stride + 16 + xFloats);
        try
        {
            fixed (float* scratchRaw = scratchArray)
            {
                float* gs = (float*)(((nint)scratchRaw + 63) & ~(nint)63);
                float* xs = gs + (long)j.Cout4 * stride;
                long inPlane = (long)p.H * p.W, outPlane = (long)hout * wout;
                if (j.AcrossSamples)
                    for (int c = 0; c < j.Cin; c++)
                        for (int r = r0; r < r1; r++)
                        {
                            int n = r / hout, ih = r - n * hout - p.PadTop;
                            p.PadRow((uint)ih < (uint)p.H ? j.X + (n * j.Cin + c) * inPlane + (long)ih * p.W : null,
                                xs + (long)c * j.Staged + (long)(r - r0) * pitch);
                        }
                else
                {
                    int n = r0 / hout;
                    p.PadRows(j.X + n * j.Cin * inPlane, j.Cin, r0 - n * hout, j.Staged / pitch, xs, j.Staged);
                }
                new Span<float>(xs + (long)j.Cin * j.Staged, Slack).Clear();
                float* biasPartial = j.Partial + (long)item * j.ItemStride + j.Cout4 * j.KPad;
                for (int o = 0; o < j.Cout4; o++)
                {
                    float* d = gs + (long)o * stride;
                    if (o >= j.Cout)
                    {
                        new Span<float>(d, stride).Clear();
                        continue;
                    }
                    for (int r = r0; r < r1; r++, d += pitch)
                    {
                        int n = r / hout;
                        float* src = j.Gy + (n * j.Cout + o) * outPlane + (long)(r - n * hout) * wout;
                        new ReadOnlySpan<float>(src, wout).CopyTo(new Span<float>(d, wout));
                        if (r + 1 < r1) new Span<float>(d + wout, pitch - wout).Clear();
                    }
                    new Span<float>(gs + (long)o * stride + used, stride - used).Clear();
                    // The bias gradient's partial sum (the padding columns are zero).
                    biasPartial[o] = TensorPrimitives.Sum(new ReadOnlySpan<float>(gs + (long)o * stride, used));
                }
                WeightTiles(j, j.Partial + (long)item * j.ItemStride, xs, len, gs, stride);
            }
        }
        finally { ArrayPool<float>.Shared.Return(scratchArray); }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void WeightTiles(in WeightJob j, float* partial, float* xs, int len, float* gs, int stride)
    {
        int TB = TapBlock(j.Path);
        float* sums = stackalloc float[16];
        for (int b = 0; b < j.Cout4; b += 4)
        {
            float* g = gs + (long)b * stride;
            for (int t = 0; t < j.KPad; t += TB)
            {
                new Span<float>(sums, 16).Clear();
                switch (j.Path)
                {
                    case SimdPath.Avx512:
                        DirectConvTiles.Weight<Lanes512, Vector512<float>, FourVectors>(g, stride, xs, j.Taps + t, len, sums);
                        break;
                    case SimdPath.Avx2Fma:
                        DirectConvTiles.Weight<Lanes256, Vector256<float>, TwoVectors>(g, stride, xs, j.Taps + t, len, sums);
                        break;
                    default:
                        DirectConvTiles.WeightScalar(g, stride, xs + j.Taps[t], len, sums);
                        break;
                }
                for (int r = 0; r < 4; r++)
                    for (int e = 0; e < TB; e++) partial[(b + r) * j.KPad + t + e] = sums[r * TB + e];
            }
        }
    }

    static void Run(int items, int threads, delegate*<nint, int, void> body, nint state)
    {
        if (threads <= 1)
        {
            for (int i = 0; i < items; i++) body(state, i);
            return;
        }
        WorkerPool.Shared.For(items, body, state);
    }
}
