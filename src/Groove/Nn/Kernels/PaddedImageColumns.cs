using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Groove.Nn.Kernels;

/// <summary>
/// The im2col matrix of a stride-1 convolution as SGEMM's right operand (as <see cref="ConvImageRows"/> packs it:
/// row k = (c·Kh + i)·Kw + j, column q = oh·Wout + ow), read from a zero-padded copy of the image instead of the
/// image itself. In the padded copy P[c, r, s] = x[c, r − pt, s − pl] (zero outside x), every tap of every output
/// pixel lies inside the buffer: column q of row k is P[c, oh + i·dh, ow + j·dw]. A micro-panel of NR consecutive
/// pixels then covers at most two output rows (when Wout ≥ NR), so each of its k steps is two contiguous runs
/// merged with a per-panel lane mask — no per-element bounds checks at the image's borders or row ends, where
/// <see cref="ConvImageRows"/> falls back to element-wise gathers (on ZeroNS's 313-frame rows with up to 25 taps,
/// 2–3 of every 10 panels of 32 pixels did).
/// </summary>
internal readonly unsafe struct PaddedImageColumns : ISgemmPackB
{
    readonly float* _p;
    readonly int _hp, _wp, _kh, _kw, _dh, _dw, _wout, _col0;

    /// <summary>Floats the buffer needs before the padded planes and after them: a masked run may read up to NR
    /// values before its start (the second row's run is addressed from its panel's first lane) and a row's width
    /// plus NR past the last plane.</summary>
    public static int Slack(in Conv2dGeometry g) => 64 + PaddedWidth(g);

    /// <summary>Rows of a padded plane: every output row plus the kernel's reach below it.</summary>
    public static int PaddedHeight(in Conv2dGeometry g) => g.Hout + (g.Kh - 1) * g.DilationH;

    /// <summary>Columns of a padded plane.</summary>
    public static int PaddedWidth(in Conv2dGeometry g) => g.Wout + (g.Kw - 1) * g.DilationW;

    /// <summary>Floats of the buffer <see cref="Fill"/> writes (the padded planes and the slack on both sides).</summary>
    public static long BufferLength(in Conv2dGeometry g) =>
        (long)g.Cin * PaddedHeight(g) * PaddedWidth(g) + 2L * Slack(g);

    /// <summary>Whether panels of <paramref name="nr"/> pixels cover at most two output rows and the padded copy
    /// fits one array (otherwise <see cref="ConvImageRows"/> packs them).</summary>
    public static bool Applies(in Conv2dGeometry g, int nr) =>
        g.Wout >= nr && g.StrideH == 1 && g.StrideW == 1 && BufferLength(g) <= Array.MaxLength;

    /// <summary>Writes the zero-padded copy of one sample's image x [Cin, H, W] into <paramref name="buffer"/>
    /// (<see cref="BufferLength"/> floats, slack zeroed too) and returns the operand reading it; its columns start
    /// at output pixel <paramref name="col0"/>.</summary>
    public static PaddedImageColumns Fill(in Conv2dGeometry g, float* x, float* buffer, int col0)
    {
        int hp = PaddedHeight(g), wp = PaddedWidth(g), slack = Slack(g);
        new Span<float>(buffer, slack).Clear();
        float* p = buffer + slack;
        for (int c = 0; c < g.Cin; c++)
        {
            float* plane = x + (long)c * g.H * g.W;
            for (int r = 0; r < hp; r++, p += wp)
            {
                int ih = r - g.PadTop;
                if ((uint)ih >= (uint)g.H)
                {
                    new Span<float>(p, wp).Clear();
                    continue;
                }
                // Padded columns s hold x columns s − pl; the part inside [0, W) is copied, the rest zeroed.
                int lo = Math.Clamp(g.PadLeft, 0, wp), hi = Math.Clamp(g.PadLeft + g.W, lo, wp);
                new Span<float>(p, lo).Clear();
                new ReadOnlySpan<float>(plane + (long)ih * g.W + (lo - g.PadLeft), hi - lo).CopyTo(new Span<float>(p + lo, hi - lo));
                new Span<float>(p + hi, wp - hi).Clear();
            }
        }
        new Span<float>(p, slack).Clear();
        return new PaddedImageColumns(buffer + slack, hp, wp, g.Kh, g.Kw, g.DilationH, g.DilationW, g.Wout, col0);
    }

    PaddedImageColumns(float* p, int hp, int wp, int kh, int kw, int dh, int dw, int wout, int col0)
    {
        _p = p; _hp = hp; _wp = wp; _kh = kh; _kw = kw; _dh = dh; _dw = dw; _wout = wout; _col0 = col0;
    }

    /// <summary>Packs rows pc..pc+kc (taps) × columns jc..jc+nc (pixels) as NR-column micro-panels; lanes past the
    /// last column are zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Pack<TK>(int pc, int jc, int kc, int nc, float* dst) where TK : struct, ISgemmTile
    {
        int NR = TK.NR;
        long plane = (long)_hp * _wp;
        for (int j0 = 0; j0 < nc; j0 += NR, dst += NR * kc)
        {
            int nr = Math.Min(NR, nc - j0);
            int q0 = _col0 + jc + j0;
            int oh0 = q0 / _wout, ow0 = q0 - oh0 * _wout;
            // Lanes [0, first) come from output row oh0, lanes [first, nr) from row oh0 + 1 (Wout ≥ NR: no third).
            int first = Math.Min(nr, _wout - ow0);
            float* runA = _p + (long)oh0 * _wp + ow0;
            float* runB = _p + (long)(oh0 + 1) * _wp - first; // lane e of the second run at runB + e
            int c = pc / (_kh * _kw), rem = pc - c * _kh * _kw, i = rem / _kw, j = rem - i * _kw;
            long tap = c * plane + (long)i * _dh * _wp + (long)j * _dw;
            if (first == NR)
                PackOneRun<TK>(kc, runA, tap, plane, i, j, dst);
            else
                PackTwoRuns<TK>(kc, runA, runB, first, nr, tap, plane, i, j, dst);
        }
    }

    /// <summary>A panel inside one output row: each k step is one contiguous copy of NR values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void PackOneRun<TK>(int kc, float* run, long tap, long plane, int i, int j, float* d) where TK : struct, ISgemmTile
    {
        int NR = TK.NR;
        for (int p = 0; p < kc; p++, d += NR)
        {
            float* s = run + tap;
            if (Vector512.IsHardwareAccelerated && NR % 16 == 0)
                for (int e = 0; e < NR; e += 16) Vector512.Store(Vector512.Load(s + e), d + e);
            else if (Vector256.IsHardwareAccelerated && NR % 8 == 0)
                for (int e = 0; e < NR; e += 8) Vector256.Store(Vector256.Load(s + e), d + e);
            else
                for (int e = 0; e < NR; e++) d[e] = s[e];
            tap = NextTap(tap, plane, ref i, ref j);
        }
    }

    /// <summary>A panel that crosses into the next output row, or the last, short panel: lanes below
    /// <paramref name="first"/> from the first run, the rest up to <paramref name="nr"/> from the second, zeros
    /// after.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void PackTwoRuns<TK>(int kc, float* runA, float* runB, int first, int nr, long tap, long plane, int i, int j,
        float* d) where TK : struct, ISgemmTile
    {
        int NR = TK.NR;
        if (Vector256.IsHardwareAccelerated && NR % 8 == 0 && NR <= 32)
        {
            // Per-lane masks, built once per panel: from the first run, and inside the panel.
            Vector256<int> lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
            LaneMasks fromA = default, valid = default;
            for (int v = 0; v < NR / 8; v++)
            {
                Vector256<int> e = lane + Vector256.Create(8 * v);
                fromA[v] = Vector256.LessThan(e, Vector256.Create(first)).AsSingle();
                valid[v] = Vector256.LessThan(e, Vector256.Create(nr)).AsSingle();
            }
            for (int p = 0; p < kc; p++, d += NR)
            {
                float* a = runA + tap, b = runB + tap;
                for (int v = 0; v < NR / 8; v++)
                {
                    Vector256<float> x = Vector256.ConditionalSelect(fromA[v], Vector256.Load(a + 8 * v), Vector256.Load(b + 8 * v));
                    Vector256.Store(x & valid[v], d + 8 * v);
                }
                tap = NextTap(tap, plane, ref i, ref j);
            }
            return;
        }
        for (int p = 0; p < kc; p++, d += NR)
        {
            float* a = runA + tap, b = runB + tap;
            for (int e = 0; e < NR; e++) d[e] = e < first ? a[e] : e < nr ? b[e] : 0f;
            tap = NextTap(tap, plane, ref i, ref j);
        }
    }

    /// <summary>The offset of the next row of the im2col matrix: the next tap along the kernel's width, then its
    /// height, then the next channel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    long NextTap(long tap, long plane, ref int i, ref int j)
    {
        if (++j < _kw) return tap + _dw;
        j = 0;
        if (++i < _kh) return tap - (long)(_kw - 1) * _dw + (long)_dh * _wp;
        i = 0;
        return tap - (long)(_kw - 1) * _dw - (long)(_kh - 1) * _dh * _wp + plane;
    }

    /// <summary>Per-lane masks of a panel of up to 32 lanes, in 8-lane vectors.</summary>
    [InlineArray(4)]
    struct LaneMasks
    {
        Vector256<float> _first;
    }
}
