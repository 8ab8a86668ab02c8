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
/// Vectorised over q when s ≥ 8, over the flattened (i, q) index when s ∈ {1, 2, 4}, scalar otherwise.
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

    public StockhamStage(int radix, int stride, int m)
    {
        Radix = radix; Stride = stride; M = m;
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
        if (stride is 1 or 2 or 4 && stride * m % 8 == 0)
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

    public void Run(ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi)
    {
        int s = Stride;
        if (Vector256.IsHardwareAccelerated)
        {
            if (s >= 8)
            {
                int qv = s & ~7;
                OverQ(xr, xi, yr, yi, qv);
                if (qv < s) Scalar(xr, xi, yr, yi, qv);
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

    private void OverQ(ReadOnlySpan<float> xrS, ReadOnlySpan<float> xiS, Span<float> yrS, Span<float> yiS, int qEnd)
    {
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
                for (int q = 0; q < qEnd; q += 8)
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
                for (int q = 0; q < qEnd; q += 8)
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
                for (int q = 0; q < qEnd; q += 8)
                {
                    int o = inBase + q;
                    var a0 = ComplexVector.Load(ref xr, ref xi, o);
                    var a1 = ComplexVector.Load(ref xr, ref xi, o + sm);
                    int u = outBase + q;
                    (a0 + a1).Store(ref yr, ref yi, u);
                    ((a0 - a1) * w1).Store(ref yr, ref yi, u + s);
                }
            }
            else
            {
                for (int q = 0; q < qEnd; q += 8)
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

    /// <summary>s ∈ {1, 2, 4}: eight consecutive (i, q) pairs per vector; loads are contiguous, stores are split.</summary>
    private void Flattened(ReadOnlySpan<float> xrS, ReadOnlySpan<float> xiS, Span<float> yrS, Span<float> yiS)
    {
        int p = Radix, s = Stride, m = M, sm = s * m;
        ref float xr = ref MemoryMarshal.GetReference(xrS);
        ref float xi = ref MemoryMarshal.GetReference(xiS);
        ref float yr = ref MemoryMarshal.GetReference(yrS);
        ref float yi = ref MemoryMarshal.GetReference(yiS);
        ref float twr = ref MemoryMarshal.GetArrayDataReference(_twxRe!);
        ref float twi = ref MemoryMarshal.GetArrayDataReference(_twxIm!);
        Span<ComplexVector> a = stackalloc ComplexVector[p];
        for (int e = 0; e < sm; e += 8)
        {
            for (int j = 0; j < p; j++) a[j] = ComplexVector.Load(ref xr, ref xi, e + j * sm);
            Butterflies.Any(a, _oddCos, _oddSin);
            for (int k = 1; k < p; k++) a[k] = a[k] * ComplexVector.Load(ref twr, ref twi, (k - 1) * sm + e);
            int i0 = e / s;
            if (s == 1 && p is 2 or 4 or 8)
            {
                // y[p·i + k] for 8 consecutive i: a p×8 → 8×p transpose, stored contiguously.
                int u = p * i0;
                TransposeStore(a, ref yr, u, true);
                TransposeStore(a, ref yi, u, false);
            }
            else
            {
                for (int k = 0; k < p; k++) StoreSplit(a[k], ref yr, ref yi, s, p, i0, k);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreSplit(ComplexVector v, ref float yr, ref float yi, int s, int p, int i0, int k)
    {
        // Lane l holds (i0 + l/s, q = l % s), written at q + s·(p·(i0 + l/s) + k).
        int groups = 8 / s;
        if (s == 4)
        {
            int o0 = s * (p * i0 + k), o1 = s * (p * (i0 + 1) + k);
            v.Re.GetLower().StoreUnsafe(ref yr, (nuint)o0); v.Re.GetUpper().StoreUnsafe(ref yr, (nuint)o1);
            v.Im.GetLower().StoreUnsafe(ref yi, (nuint)o0); v.Im.GetUpper().StoreUnsafe(ref yi, (nuint)o1);
            return;
        }
        for (int g = 0; g < groups; g++)
            for (int q = 0; q < s; q++)
            {
                int o = q + s * (p * (i0 + g) + k);
                Unsafe.Add(ref yr, o) = v.Re.GetElement(g * s + q);
                Unsafe.Add(ref yi, o) = v.Im.GetElement(g * s + q);
            }
    }

    /// <summary>Writes rows r_k (k &lt; p, lanes = 8 consecutive i) as y[u + p·l + k].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeStore(Span<ComplexVector> a, ref float y, int u, bool real)
    {
        int p = a.Length;
        if (p == 2)
        {
            var r0 = real ? a[0].Re : a[0].Im;
            var r1 = real ? a[1].Re : a[1].Im;
            var lo = Avx.UnpackLow(r0, r1);
            var hi = Avx.UnpackHigh(r0, r1);
            Avx.Permute2x128(lo, hi, 0x20).StoreUnsafe(ref y, (nuint)u);
            Avx.Permute2x128(lo, hi, 0x31).StoreUnsafe(ref y, (nuint)(u + 8));
        }
        else if (p == 4)
        {
            var r0 = real ? a[0].Re : a[0].Im;
            var r1 = real ? a[1].Re : a[1].Im;
            var r2 = real ? a[2].Re : a[2].Im;
            var r3 = real ? a[3].Re : a[3].Im;
            var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
            var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
            var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
            Avx.Permute2x128(u0, u1, 0x20).StoreUnsafe(ref y, (nuint)u);
            Avx.Permute2x128(u2, u3, 0x20).StoreUnsafe(ref y, (nuint)(u + 8));
            Avx.Permute2x128(u0, u1, 0x31).StoreUnsafe(ref y, (nuint)(u + 16));
            Avx.Permute2x128(u2, u3, 0x31).StoreUnsafe(ref y, (nuint)(u + 24));
        }
        else
        {
            var r0 = real ? a[0].Re : a[0].Im; var r1 = real ? a[1].Re : a[1].Im;
            var r2 = real ? a[2].Re : a[2].Im; var r3 = real ? a[3].Re : a[3].Im;
            var r4 = real ? a[4].Re : a[4].Im; var r5 = real ? a[5].Re : a[5].Im;
            var r6 = real ? a[6].Re : a[6].Im; var r7 = real ? a[7].Re : a[7].Im;
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
    }

    /// <summary>Plain loops for q in [q0, s): any radix, any platform.</summary>
    private void Scalar(ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi, int q0)
    {
        int p = Radix, s = Stride, m = M, sm = s * m;
        Span<float> ar = stackalloc float[p];
        Span<float> ai = stackalloc float[p];
        for (int i = 0; i < m; i++)
        {
            for (int q = q0; q < s; q++)
            {
                int o = q + s * i;
                for (int j = 0; j < p; j++) { ar[j] = xr[o + j * sm]; ai[j] = xi[o + j * sm]; }
                int u = q + s * p * i;
                for (int k = 0; k < p; k++)
                {
                    float br, bi;
                    if (p == 2) { br = k == 0 ? ar[0] + ar[1] : ar[0] - ar[1]; bi = k == 0 ? ai[0] + ai[1] : ai[0] - ai[1]; }
                    else
                    {
                        br = 0; bi = 0;
                        for (int j = 0, t = 0; j < p; j++, t = t + k >= p ? t + k - p : t + k)
                        {
                            float c = _dftCos[t], sn = _dftSin[t];
                            br += ar[j] * c + ai[j] * sn;
                            bi += ai[j] * c - ar[j] * sn;
                        }
                    }
                    if (k > 0)
                    {
                        float wr = _twRe[(k - 1) * m + i], wi = _twIm[(k - 1) * m + i];
                        float r = br * wr - bi * wi;
                        bi = br * wi + bi * wr;
                        br = r;
                    }
                    yr[u + k * s] = br;
                    yi[u + k * s] = bi;
                }
            }
        }
    }
}
