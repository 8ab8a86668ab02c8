using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Groove.Dsp.Fft;

/// <summary>
/// One radix-p pass of a decimation-in-frequency Stockham (self-sorting) FFT. With stride s (product of earlier
/// radices), sub-length n = N/s and m = n/p, for every i &lt; m and q &lt; s it reads
/// <c>a_j = x[q + s·(i + j·m)]</c>, forms the p-point DFT b_k and writes <c>y[q + s·(p·i + k)] = b_k·exp(−2πi·ik/n)</c>.
/// After the last pass the output is in natural order (Stockham autosort; see e.g. Van Loan, "Computational
/// Frameworks for the Fast Fourier Transform", 1992, §1.7).
/// With AVX2: vectorised over q when s ≥ 8 and over the flattened index e = s·i + q when s &lt; 8 (and s·m ≥ 8);
/// otherwise (other CPUs, tiny sizes) plain scalar loops.
/// </summary>
internal sealed class StockhamStage
{
    public int Radix { get; }
    public int Stride { get; }
    public int M { get; }

    // Twiddles w_k(i) at [(k−1)·M + i]; "expanded" ones repeat each s times: [(k−1)·s·M + s·i + q].
    private readonly float[] _twRe, _twIm;
    private readonly float[]? _twxRe, _twxIm;
    // Odd radix constants: cos/sin(2π·jk/p) for j, k in 1..h, and the full DFT table for the scalar path.
    private readonly float[] _oddCos, _oddSin;
    private readonly float[] _dftCos, _dftSin;

    private readonly bool _simd;

    /// <param name="radix">Butterfly size p of this stage.</param>
    /// <param name="stride">Stride s between the elements one butterfly combines.</param>
    /// <param name="m">Number of twiddle groups M (the transform length is radix · stride · m).</param>
    /// <param name="simd">Allow the AVX2 paths (false: the portable scalar path, used on other CPUs and by tests).</param>
    public StockhamStage(int radix, int stride, int m, bool simd = true)
    {
        Radix = radix; Stride = stride; M = m;
        _simd = simd;
        int n = radix * m;
        _twRe = new float[(radix - 1) * m];
        _twIm = new float[(radix - 1) * m];
        for (int k = 1; k < radix; k++)
            for (int i = 0; i < m; i++)
            {
                double angle = -2 * Math.PI * ((long)i * k % n) / n;
                _twRe[(k - 1) * m + i] = (float)Math.Cos(angle);
                _twIm[(k - 1) * m + i] = (float)Math.Sin(angle);
            }
        if (stride < 8 && stride * m >= 8)
        {
            if (stride == 1) { _twxRe = _twRe; _twxIm = _twIm; }
            else
            {
                int sm = stride * m;
                _twxRe = new float[(radix - 1) * sm];
                _twxIm = new float[(radix - 1) * sm];
                for (int k = 1; k < radix; k++)
                    for (int i = 0; i < m; i++)
                        for (int q = 0; q < stride; q++)
                        {
                            _twxRe[(k - 1) * sm + stride * i + q] = _twRe[(k - 1) * m + i];
                            _twxIm[(k - 1) * sm + stride * i + q] = _twIm[(k - 1) * m + i];
                        }
            }
        }
        int h = (radix - 1) / 2;
        _oddCos = new float[h * h];
        _oddSin = new float[h * h];
        for (int j = 1; j <= h; j++)
            for (int k = 1; k <= h; k++)
            {
                double angle = 2 * Math.PI * (j * k % radix) / radix;
                _oddCos[(j - 1) * h + (k - 1)] = (float)Math.Cos(angle);
                _oddSin[(j - 1) * h + (k - 1)] = (float)Math.Sin(angle);
            }
        _dftCos = new float[radix];
        _dftSin = new float[radix];
        for (int t = 0; t < radix; t++)
        {
            _dftCos[t] = (float)Math.Cos(2 * Math.PI * t / radix);
            _dftSin[t] = (float)Math.Sin(2 * Math.PI * t / radix);
        }
    }

    /// <summary>Whether <see cref="RunInterleaved"/> can read interleaved input directly (first pass, radix 8 or 4, AVX2).</summary>
    public bool CanRunInterleaved => _simd && Avx2.IsSupported && Stride == 1 && Radix is 8 or 4 && _twxRe != null;

    /// <summary>This pass reading interleaved complex input <paramref name="z"/> (2·N floats); needs <see cref="CanRunInterleaved"/>.</summary>
    public void RunInterleaved(ReadOnlySpan<float> z, Span<float> yr, Span<float> yi) =>
        FirstPass(ref MemoryMarshal.GetReference(z), ref Unsafe.NullRef<float>(), true, yr, yi);

    public void Run(ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi)
    {
        int s = Stride;
        if (_simd && Vector256.IsHardwareAccelerated)
        {
            if (s >= 8)
            {
                OverQ(xr, xi, yr, yi);
                return;
            }
            if (_twxRe != null && Avx2.IsSupported)
            {
                Flattened(xr, xi, yr, yi);
                return;
            }
        }
        Scalar(xr, xi, yr, yi, 0);
    }

    /// <summary>
    /// s ≥ 8: eight consecutive q per vector, twiddles broadcast. When 8 does not divide s the last vector starts at
    /// s − 8 and recomputes a few outputs (harmless: the pass is out of place).
    /// </summary>
    private void OverQ(ReadOnlySpan<float> xrS, ReadOnlySpan<float> xiS, Span<float> yrS, Span<float> yiS)
    {
        int qLast = Stride - 8;
        int p = Radix, s = Stride, m = M, sm = s * m;
        ref float xr = ref MemoryMarshal.GetReference(xrS);
        ref float xi = ref MemoryMarshal.GetReference(xiS);
        ref float yr = ref MemoryMarshal.GetReference(yrS);
        ref float yi = ref MemoryMarshal.GetReference(yiS);
        Span<ComplexVector> a = stackalloc ComplexVector[p];
        Span<ComplexVector> w = stackalloc ComplexVector[p];
        for (int i = 0; i < m; i++)
        {
            for (int k = 1; k < p; k++) w[k] = ComplexVector.Broadcast(_twRe[(k - 1) * m + i], _twIm[(k - 1) * m + i]);
            int inBase = s * i, outBase = s * p * i;
            if (p == 8)
            {
                // The common case, kept in registers as far as the register file allows.
                for (int q = 0; q <= qLast; q = q + 8 > qLast && q != qLast ? qLast : q + 8)
                {
                    int o = inBase + q;
                    var a0 = ComplexVector.Load(ref xr, ref xi, o);
                    var a1 = ComplexVector.Load(ref xr, ref xi, o + sm);
                    var a2 = ComplexVector.Load(ref xr, ref xi, o + 2 * sm);
                    var a3 = ComplexVector.Load(ref xr, ref xi, o + 3 * sm);
                    var a4 = ComplexVector.Load(ref xr, ref xi, o + 4 * sm);
                    var a5 = ComplexVector.Load(ref xr, ref xi, o + 5 * sm);
                    var a6 = ComplexVector.Load(ref xr, ref xi, o + 6 * sm);
                    var a7 = ComplexVector.Load(ref xr, ref xi, o + 7 * sm);
                    Butterflies.Radix8(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                    int u = outBase + q;
                    a0.Store(ref yr, ref yi, u);
                    (a1 * w[1]).Store(ref yr, ref yi, u + s);
                    (a2 * w[2]).Store(ref yr, ref yi, u + 2 * s);
                    (a3 * w[3]).Store(ref yr, ref yi, u + 3 * s);
                    (a4 * w[4]).Store(ref yr, ref yi, u + 4 * s);
                    (a5 * w[5]).Store(ref yr, ref yi, u + 5 * s);
                    (a6 * w[6]).Store(ref yr, ref yi, u + 6 * s);
                    (a7 * w[7]).Store(ref yr, ref yi, u + 7 * s);
                }
            }
            else if (p == 4)
            {
                var w1 = w[1]; var w2 = w[2]; var w3 = w[3];
                for (int q = 0; q <= qLast; q = q + 8 > qLast && q != qLast ? qLast : q + 8)
                {
                    int o = inBase + q;
                    var a0 = ComplexVector.Load(ref xr, ref xi, o);
                    var a1 = ComplexVector.Load(ref xr, ref xi, o + sm);
                    var a2 = ComplexVector.Load(ref xr, ref xi, o + 2 * sm);
                    var a3 = ComplexVector.Load(ref xr, ref xi, o + 3 * sm);
                    Butterflies.Radix4(ref a0, ref a1, ref a2, ref a3);
                    int u = outBase + q;
                    a0.Store(ref yr, ref yi, u);
                    (a1 * w1).Store(ref yr, ref yi, u + s);
                    (a2 * w2).Store(ref yr, ref yi, u + 2 * s);
                    (a3 * w3).Store(ref yr, ref yi, u + 3 * s);
                }
            }
            else if (p == 2)
            {
                var w1 = w[1];
                for (int q = 0; q <= qLast; q = q + 8 > qLast && q != qLast ? qLast : q + 8)
                {
                    int o = inBase + q;
                    var a0 = ComplexVector.Load(ref xr, ref xi, o);
                    var a1 = ComplexVector.Load(ref xr, ref xi, o + sm);
                    int u = outBase + q;
                    (a0 + a1).Store(ref yr, ref yi, u);
                    ((a0 - a1) * w1).Store(ref yr, ref yi, u + s);
                }
            }
            else if (p == 5)
            {
                var w1 = w[1]; var w2 = w[2]; var w3 = w[3]; var w4 = w[4];
                for (int q = 0; q <= qLast; q = q + 8 > qLast && q != qLast ? qLast : q + 8)
                {
                    int o = inBase + q;
                    var a0 = ComplexVector.Load(ref xr, ref xi, o);
                    var a1 = ComplexVector.Load(ref xr, ref xi, o + sm);
                    var a2 = ComplexVector.Load(ref xr, ref xi, o + 2 * sm);
                    var a3 = ComplexVector.Load(ref xr, ref xi, o + 3 * sm);
                    var a4 = ComplexVector.Load(ref xr, ref xi, o + 4 * sm);
                    Butterflies.Radix5(ref a0, ref a1, ref a2, ref a3, ref a4);
                    int u = outBase + q;
                    a0.Store(ref yr, ref yi, u);
                    (a1 * w1).Store(ref yr, ref yi, u + s);
                    (a2 * w2).Store(ref yr, ref yi, u + 2 * s);
                    (a3 * w3).Store(ref yr, ref yi, u + 3 * s);
                    (a4 * w4).Store(ref yr, ref yi, u + 4 * s);
                }
            }
            else
            {
                for (int q = 0; q <= qLast; q = q + 8 > qLast && q != qLast ? qLast : q + 8)
                {
                    int o = inBase + q;
                    for (int j = 0; j < p; j++) a[j] = ComplexVector.Load(ref xr, ref xi, o + j * sm);
                    Butterflies.Any(a, _oddCos, _oddSin);
                    int u = outBase + q;
                    a[0].Store(ref yr, ref yi, u);
                    for (int k = 1; k < p; k++) (a[k] * w[k]).Store(ref yr, ref yi, u + k * s);
                }
            }
        }
    }

    /// <summary>
    /// s &lt; 8: eight consecutive flattened indices e = s·i + q per vector, so loads and (expanded) twiddles are
    /// contiguous; outputs go out by an in-register transpose (s = 1, radix 2/4/8), in 128/64-bit pieces (s = 4, 2)
    /// or lane by lane. The last vector starts at s·m − 8 (overlapping; the pass is out of place).
    /// </summary>
    private void Flattened(ReadOnlySpan<float> xrS, ReadOnlySpan<float> xiS, Span<float> yrS, Span<float> yiS)
    {
        int p = Radix, s = Stride, m = M, sm = s * m, eLast = sm - 8;
        ref float xr = ref MemoryMarshal.GetReference(xrS);
        ref float xi = ref MemoryMarshal.GetReference(xiS);
        ref float yr = ref MemoryMarshal.GetReference(yrS);
        ref float yi = ref MemoryMarshal.GetReference(yiS);
        ref float twr = ref MemoryMarshal.GetArrayDataReference(_twxRe!);
        ref float twi = ref MemoryMarshal.GetArrayDataReference(_twxIm!);
        if (s == 1 && p is 8 or 4)
        {
            FirstPass(ref xr, ref xi, false, yrS, yiS);
            return;
        }
        Span<ComplexVector> a = stackalloc ComplexVector[p];
        Span<int> o = stackalloc int[8];
        for (int e = 0; e <= eLast; e = e + 8 > eLast && e != eLast ? eLast : e + 8)
        {
            for (int j = 0; j < p; j++) a[j] = ComplexVector.Load(ref xr, ref xi, e + j * sm);
            Butterflies.Any(a, _oddCos, _oddSin);
            for (int k = 1; k < p; k++) a[k] *= ComplexVector.Load(ref twr, ref twi, (k - 1) * sm + e);
            if (s == 1 && p == 2)
            {
                Transpose2(a[0].Re, a[1].Re, ref yr, 2 * e);
                Transpose2(a[0].Im, a[1].Im, ref yi, 2 * e);
            }
            else if (s == 4)
            {
                int i0 = e / 4;
                for (int k = 0; k < p; k++)
                {
                    int o0 = 4 * (p * i0 + k), o1 = 4 * (p * (i0 + 1) + k);
                    a[k].Re.GetLower().StoreUnsafe(ref yr, (nuint)o0); a[k].Re.GetUpper().StoreUnsafe(ref yr, (nuint)o1);
                    a[k].Im.GetLower().StoreUnsafe(ref yi, (nuint)o0); a[k].Im.GetUpper().StoreUnsafe(ref yi, (nuint)o1);
                }
            }
            else
            {
                // Lane l holds (i, q) = divmod(e + l, s), written at q + s·(p·i + k).
                int i = e / s, q = e % s;
                for (int l = 0; l < 8; l++)
                {
                    o[l] = q + s * p * i;
                    if (++q == s) { q = 0; i++; }
                }
                for (int k = 0; k < p; k++)
                {
                    var re = a[k].Re; var im = a[k].Im;
                    for (int l = 0; l < 8; l++)
                    {
                        Unsafe.Add(ref yr, o[l] + k * s) = re.GetElement(l);
                        Unsafe.Add(ref yi, o[l] + k * s) = im.GetElement(l);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The first pass (s = 1) for radix 8 or 4, kept in registers, with an in-register transpose for the output.
    /// With <paramref name="interleaved"/> the input is one interleaved complex array at <paramref name="xr"/>.
    /// </summary>
    private void FirstPass(ref float xr, ref float xi, bool interleaved, Span<float> yrS, Span<float> yiS)
    {
        int p = Radix, sm = M, eLast = sm - 8;
        ref float yr = ref MemoryMarshal.GetReference(yrS);
        ref float yi = ref MemoryMarshal.GetReference(yiS);
        ref float twr = ref MemoryMarshal.GetArrayDataReference(_twxRe!);
        ref float twi = ref MemoryMarshal.GetArrayDataReference(_twxIm!);
        if (p == 8)
        {
            for (int e = 0; e <= eLast; e = e + 8 > eLast && e != eLast ? eLast : e + 8)
            {
                ComplexVector a0, a1, a2, a3, a4, a5, a6, a7;
                if (interleaved)
                {
                    a0 = ComplexVector.LoadInterleaved(ref xr, 2 * e);
                    a1 = ComplexVector.LoadInterleaved(ref xr, 2 * (e + sm));
                    a2 = ComplexVector.LoadInterleaved(ref xr, 2 * (e + 2 * sm));
                    a3 = ComplexVector.LoadInterleaved(ref xr, 2 * (e + 3 * sm));
                    a4 = ComplexVector.LoadInterleaved(ref xr, 2 * (e + 4 * sm));
                    a5 = ComplexVector.LoadInterleaved(ref xr, 2 * (e + 5 * sm));
                    a6 = ComplexVector.LoadInterleaved(ref xr, 2 * (e + 6 * sm));
                    a7 = ComplexVector.LoadInterleaved(ref xr, 2 * (e + 7 * sm));
                }
                else
                {
                    a0 = ComplexVector.Load(ref xr, ref xi, e);
                    a1 = ComplexVector.Load(ref xr, ref xi, e + sm);
                    a2 = ComplexVector.Load(ref xr, ref xi, e + 2 * sm);
                    a3 = ComplexVector.Load(ref xr, ref xi, e + 3 * sm);
                    a4 = ComplexVector.Load(ref xr, ref xi, e + 4 * sm);
                    a5 = ComplexVector.Load(ref xr, ref xi, e + 5 * sm);
                    a6 = ComplexVector.Load(ref xr, ref xi, e + 6 * sm);
                    a7 = ComplexVector.Load(ref xr, ref xi, e + 7 * sm);
                }
                Butterflies.Radix8(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                a1 *= ComplexVector.Load(ref twr, ref twi, e);
                a2 *= ComplexVector.Load(ref twr, ref twi, sm + e);
                a3 *= ComplexVector.Load(ref twr, ref twi, 2 * sm + e);
                a4 *= ComplexVector.Load(ref twr, ref twi, 3 * sm + e);
                a5 *= ComplexVector.Load(ref twr, ref twi, 4 * sm + e);
                a6 *= ComplexVector.Load(ref twr, ref twi, 5 * sm + e);
                a7 *= ComplexVector.Load(ref twr, ref twi, 6 * sm + e);
                Transpose8(a0.Re, a1.Re, a2.Re, a3.Re, a4.Re, a5.Re, a6.Re, a7.Re, ref yr, 8 * e);
                Transpose8(a0.Im, a1.Im, a2.Im, a3.Im, a4.Im, a5.Im, a6.Im, a7.Im, ref yi, 8 * e);
            }
        }
        else
        {
            for (int e = 0; e <= eLast; e = e + 8 > eLast && e != eLast ? eLast : e + 8)
            {
                ComplexVector a0, a1, a2, a3;
                if (interleaved)
                {
                    a0 = ComplexVector.LoadInterleaved(ref xr, 2 * e);
                    a1 = ComplexVector.LoadInterleaved(ref xr, 2 * (e + sm));
                    a2 = ComplexVector.LoadInterleaved(ref xr, 2 * (e + 2 * sm));
                    a3 = ComplexVector.LoadInterleaved(ref xr, 2 * (e + 3 * sm));
                }
                else
                {
                    a0 = ComplexVector.Load(ref xr, ref xi, e);
                    a1 = ComplexVector.Load(ref xr, ref xi, e + sm);
                    a2 = ComplexVector.Load(ref xr, ref xi, e + 2 * sm);
                    a3 = ComplexVector.Load(ref xr, ref xi, e + 3 * sm);
                }
                Butterflies.Radix4(ref a0, ref a1, ref a2, ref a3);
                a1 *= ComplexVector.Load(ref twr, ref twi, e);
                a2 *= ComplexVector.Load(ref twr, ref twi, sm + e);
                a3 *= ComplexVector.Load(ref twr, ref twi, 2 * sm + e);
                Transpose4(a0.Re, a1.Re, a2.Re, a3.Re, ref yr, 4 * e);
                Transpose4(a0.Im, a1.Im, a2.Im, a3.Im, ref yi, 4 * e);
            }
        }
    }

    /// <summary>Stores rows r0, r1 (lanes = 8 consecutive i) as y[u + 2·l + k].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose2(Vector256<float> r0, Vector256<float> r1, ref float y, int u)
    {
        var lo = Avx.UnpackLow(r0, r1);
        var hi = Avx.UnpackHigh(r0, r1);
        Avx.Permute2x128(lo, hi, 0x20).StoreUnsafe(ref y, (nuint)u);
        Avx.Permute2x128(lo, hi, 0x31).StoreUnsafe(ref y, (nuint)(u + 8));
    }

    /// <summary>Stores rows r0..r3 (lanes = 8 consecutive i) as y[u + 4·l + k].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3, ref float y, int u)
    {
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        Avx.Permute2x128(u0, u1, 0x20).StoreUnsafe(ref y, (nuint)u);
        Avx.Permute2x128(u2, u3, 0x20).StoreUnsafe(ref y, (nuint)(u + 8));
        Avx.Permute2x128(u0, u1, 0x31).StoreUnsafe(ref y, (nuint)(u + 16));
        Avx.Permute2x128(u2, u3, 0x31).StoreUnsafe(ref y, (nuint)(u + 24));
    }

    /// <summary>Stores rows r0..r7 (lanes = 8 consecutive i) as y[u + 8·l + k]: an 8×8 transpose.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
                                   Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7, ref float y, int u)
    {
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref y, (nuint)u);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref y, (nuint)(u + 8));
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref y, (nuint)(u + 16));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref y, (nuint)(u + 24));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref y, (nuint)(u + 32));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref y, (nuint)(u + 40));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref y, (nuint)(u + 48));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref y, (nuint)(u + 56));
    }

    /// <summary>Plain loops for q in [q0, s): any radix, any platform.</summary>
    private void Scalar(ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi, int q0)
    {
        int p = Radix, s = Stride, m = M, sm = s * m;
        Span<float> ar = stackalloc float[p];
        Span<float> ai = stackalloc float[p];
        Span<float> tr = stackalloc float[p];
        Span<float> ti = stackalloc float[p];
        for (int i = 0; i < m; i++)
        {
            for (int q = q0; q < s; q++)
            {
                int o = q + s * i;
                for (int j = 0; j < p; j++) { ar[j] = xr[o + j * sm]; ai[j] = xi[o + j * sm]; }
                ScalarDft(ar, ai, tr, ti);
                int u = q + s * p * i;
                yr[u] = ar[0];
                yi[u] = ai[0];
                for (int k = 1; k < p; k++)
                {
                    float wr = _twRe[(k - 1) * m + i], wi = _twIm[(k - 1) * m + i];
                    yr[u + k * s] = ar[k] * wr - ai[k] * wi;
                    yi[u + k * s] = ar[k] * wi + ai[k] * wr;
                }
            }
        }
    }

    /// <summary>In-place p-point DFT of (ar, ai); tr/ti are p floats of scratch.</summary>
    private void ScalarDft(Span<float> ar, Span<float> ai, Span<float> tr, Span<float> ti)
    {
        int p = ar.Length;
        switch (p)
        {
            case 1: return;
            case 2:
            {
                float r = ar[0], im = ai[0];
                ar[0] = r + ar[1]; ai[0] = im + ai[1];
                ar[1] = r - ar[1]; ai[1] = im - ai[1];
                return;
            }
            case 4: ScalarRadix4(ar, ai, 0, 1); return;
            case 8:
            {
                // Radix-2 layer on (j, j+4) with ω8^j, then radix-4 DFTs of the even and odd halves (see Butterflies.Radix8).
                float h = MathF.Sqrt(0.5f);
                for (int j = 0; j < 4; j++)
                {
                    float dr = ar[j] - ar[j + 4], di = ai[j] - ai[j + 4];
                    tr[j] = ar[j] + ar[j + 4]; ti[j] = ai[j] + ai[j + 4];
                    (tr[j + 4], ti[j + 4]) = j switch
                    {
                        0 => (dr, di),
                        1 => ((dr + di) * h, (di - dr) * h),
                        2 => (di, -dr),
                        _ => ((di - dr) * h, -(dr + di) * h),
                    };
                }
                ScalarRadix4(tr, ti, 0, 1);
                ScalarRadix4(tr, ti, 4, 1);
                for (int r = 0; r < 4; r++)
                {
                    ar[2 * r] = tr[r]; ai[2 * r] = ti[r];
                    ar[2 * r + 1] = tr[4 + r]; ai[2 * r + 1] = ti[4 + r];
                }
                return;
            }
        }
        if (p % 2 == 1)
        {
            // Pair j with p − j: b_k = a0 + Σ (a_j + a_{p−j})·cos − i·Σ (a_j − a_{p−j})·sin.
            int hh = (p - 1) / 2;
            float sr = ar[0], si = ai[0];
            for (int j = 1; j <= hh; j++)
            {
                tr[j] = ar[j] + ar[p - j]; ti[j] = ai[j] + ai[p - j];
                tr[p - j] = ar[j] - ar[p - j]; ti[p - j] = ai[j] - ai[p - j];
                sr += tr[j]; si += ti[j];
            }
            float a0r = ar[0], a0i = ai[0];
            for (int k = 1; k <= hh; k++)
            {
                float Ar = a0r, Ai = a0i, Br = 0, Bi = 0;
                for (int j = 1; j <= hh; j++)
                {
                    float c = _oddCos[(j - 1) * hh + (k - 1)], sn = _oddSin[(j - 1) * hh + (k - 1)];
                    Ar += tr[j] * c; Ai += ti[j] * c;
                    Br += tr[p - j] * sn; Bi += ti[p - j] * sn;
                }
                ar[k] = Ar + Bi; ai[k] = Ai - Br;
                ar[p - k] = Ar - Bi; ai[p - k] = Ai + Br;
            }
            ar[0] = sr; ai[0] = si;
            return;
        }
        // Any other size: the definition.
        for (int k = 0; k < p; k++)
        {
            float br = 0, bi = 0;
            for (int j = 0, t = 0; j < p; j++, t = t + k >= p ? t + k - p : t + k)
            {
                float c = _dftCos[t], sn = _dftSin[t];
                br += ar[j] * c + ai[j] * sn;
                bi += ai[j] * c - ar[j] * sn;
            }
            tr[k] = br; ti[k] = bi;
        }
        tr.CopyTo(ar);
        ti.CopyTo(ai);
    }

    /// <summary>In-place radix-4 DFT of elements off, off+step, off+2·step, off+3·step.</summary>
    private static void ScalarRadix4(Span<float> ar, Span<float> ai, int off, int step)
    {
        int i0 = off, i1 = off + step, i2 = off + 2 * step, i3 = off + 3 * step;
        float t0r = ar[i0] + ar[i2], t0i = ai[i0] + ai[i2];
        float t1r = ar[i0] - ar[i2], t1i = ai[i0] - ai[i2];
        float t2r = ar[i1] + ar[i3], t2i = ai[i1] + ai[i3];
        float t3r = ai[i1] - ai[i3], t3i = ar[i3] - ar[i1]; // (a1 − a3)·(−i)
        ar[i0] = t0r + t2r; ai[i0] = t0i + t2i;
        ar[i2] = t0r - t2r; ai[i2] = t0i - t2i;
        ar[i1] = t1r + t3r; ai[i1] = t1i + t3i;
        ar[i3] = t1r - t3r; ai[i3] = t1i - t3i;
    }
}
