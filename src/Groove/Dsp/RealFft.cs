using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Groove.Dsp.Fft;

namespace Groove.Dsp;

/// <summary>
/// Real-input FFT of a fixed size n (any n ≥ 1). The spectrum is n/2+1 complex bins stored interleaved
/// (re0, im0, re1, im1, ...), unnormalised forward transform, inverse scaled by 1/n (numpy's <c>rfft</c>/<c>irfft</c>
/// convention; the inverse ignores the imaginary parts of bin 0 and, for even n, bin n/2).
/// </summary>
/// <remarks>
/// Even sizes run as a complex FFT of size n/2 on (even, odd) sample pairs plus a post-processing pass; the
/// complex FFT is mixed-radix (factors 2, 3, 5, 7, … up to 31) with AVX2/FMA butterflies, or Bluestein's algorithm
/// for sizes with a larger prime factor. Twiddles are computed once per instance. An instance is immutable and
/// thread-safe: each call takes its scratch from <see cref="ArrayPool{T}.Shared"/> and allocates nothing.
/// Create one per size and reuse it.
/// </remarks>
public sealed class RealFft
{
    /// <summary>Transform size n (samples per frame).</summary>
    public int Size { get; }
    /// <summary>Number of complex bins, n/2 + 1.</summary>
    public int Bins => Size / 2 + 1;

    private readonly ComplexFft _fft;          // size n/2 (even n) or n (odd n)
    private readonly int _half;                // n/2 for even n, 0 for odd n
    private readonly float[] _hwRe = [], _hwIm = [];  // ½·exp(−2πik/n), k = 0..n/2
    private readonly int _scratch;

    public RealFft(int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), "FFT size must be at least 1.");
        Size = size;
        if (size % 2 == 0)
        {
            _half = size / 2;
            _fft = new ComplexFft(_half);
            _hwRe = new float[_half + 1];
            _hwIm = new float[_half + 1];
            for (int k = 0; k <= _half; k++)
            {
                double angle = -2 * Math.PI * k / size;
                _hwRe[k] = (float)(0.5 * Math.Cos(angle));
                _hwIm[k] = (float)(0.5 * Math.Sin(angle));
            }
            // z (2·half) + split spectrum (2·bins) + FFT scratch
            _scratch = 2 * _half + 2 * Bins + _fft.ScratchLength;
        }
        else
        {
            _fft = new ComplexFft(size);
            _scratch = 2 * size + 2 * Bins + _fft.ScratchLength;
        }
    }

    /// <summary>Forward transform: <paramref name="input"/> has Size samples, <paramref name="spectrum"/> 2·Bins floats.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> spectrum)
    {
        CheckForward(input.Length, spectrum.Length, 1);
        var rent = ArrayPool<float>.Shared.Rent(_scratch);
        try
        {
            var scratch = rent.AsSpan(0, _scratch);
            var re = scratch[..Bins];
            var im = scratch.Slice(Bins, Bins);
            ForwardCore(input, re, im, spectrum, scratch[(2 * Bins)..]);
        }
        finally { ArrayPool<float>.Shared.Return(rent); }
    }

    /// <summary>
    /// Forward transforms of many frames: <paramref name="inputs"/> holds <c>count</c> frames of Size samples back to
    /// back, <paramref name="spectra"/> receives <c>count</c> spectra of 2·Bins floats back to back.
    /// </summary>
    public void Forward(ReadOnlySpan<float> inputs, Span<float> spectra, int count)
    {
        CheckForward(inputs.Length, spectra.Length, count);
        var rent = ArrayPool<float>.Shared.Rent(_scratch);
        try
        {
            var scratch = rent.AsSpan(0, _scratch);
            var re = scratch[..Bins];
            var im = scratch.Slice(Bins, Bins);
            var rest = scratch[(2 * Bins)..];
            for (int f = 0; f < count; f++)
            {
                ForwardCore(inputs.Slice(f * Size, Size), re, im, spectra.Slice(f * 2 * Bins, 2 * Bins), rest);
            }
        }
        finally { ArrayPool<float>.Shared.Return(rent); }
    }

    /// <summary>Forward transform into separate real and imaginary arrays of Bins floats each.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> real, Span<float> imag)
    {
        if (input.Length != Size) throw new ArgumentException($"Input must hold {Size} samples, not {input.Length}.", nameof(input));
        if (real.Length < Bins || imag.Length < Bins) throw new ArgumentException($"Outputs must hold {Bins} bins.");
        var rent = ArrayPool<float>.Shared.Rent(_scratch);
        try { ForwardCore(input, real[..Bins], imag[..Bins], default, rent.AsSpan(2 * Bins, _scratch - 2 * Bins)); }
        finally { ArrayPool<float>.Shared.Return(rent); }
    }

    /// <summary>Inverse transform of a Hermitian spectrum (2·Bins floats) into Size real samples, scaled by 1/n.</summary>
    public void Inverse(ReadOnlySpan<float> spectrum, Span<float> output)
    {
        if (spectrum.Length != 2 * Bins) throw new ArgumentException($"Spectrum must hold {2 * Bins} floats (interleaved re/im), not {spectrum.Length}.", nameof(spectrum));
        if (output.Length != Size) throw new ArgumentException($"Output must hold {Size} samples, not {output.Length}.", nameof(output));
        var rent = ArrayPool<float>.Shared.Rent(_scratch);
        try
        {
            var scratch = rent.AsSpan(0, _scratch);
            var re = scratch[..Bins];
            var im = scratch.Slice(Bins, Bins);
            Deinterleave(spectrum, re, im);
            InverseSplitCore(re, im, output, scratch[(2 * Bins)..]);
        }
        finally { ArrayPool<float>.Shared.Return(rent); }
    }

    /// <summary>Inverse transform from separate real and imaginary arrays of Bins floats (scaled by 1/n).</summary>
    public void Inverse(ReadOnlySpan<float> real, ReadOnlySpan<float> imag, Span<float> output)
    {
        if (real.Length < Bins || imag.Length < Bins) throw new ArgumentException($"Inputs must hold {Bins} bins.");
        if (output.Length != Size) throw new ArgumentException($"Output must hold {Size} samples, not {output.Length}.", nameof(output));
        var rent = ArrayPool<float>.Shared.Rent(_scratch);
        try
        {
            var scratch = rent.AsSpan(0, _scratch);
            var re = scratch[..Bins];
            var im = scratch.Slice(Bins, Bins);
            real[..Bins].CopyTo(re);
            imag[..Bins].CopyTo(im);
            InverseSplitCore(re, im, output, scratch[(2 * Bins)..]);
        }
        finally { ArrayPool<float>.Shared.Return(rent); }
    }

    /// <summary>Scratch floats needed by <see cref="ForwardSplit"/> and <see cref="InverseSplit"/>.</summary>
    internal int SplitScratchLength => _scratch - 2 * Bins;

    /// <summary>Forward transform into re/im (Bins each) with caller-provided scratch (no pooling, no checks).</summary>
    internal void ForwardSplit(ReadOnlySpan<float> input, Span<float> re, Span<float> im, Span<float> scratch) =>
        ForwardCore(input, re, im, default, scratch);

    /// <summary>Inverse transform from re/im (Bins each, overwritten) with caller-provided scratch.</summary>
    internal void InverseSplit(Span<float> re, Span<float> im, Span<float> output, Span<float> scratch) =>
        InverseSplitCore(re, im, output, scratch);

    private void CheckForward(int inputLength, int spectrumLength, int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
        if (inputLength != (long)count * Size)
            throw new ArgumentException($"Input must hold {(long)count * Size} samples, not {inputLength}.");
        if (spectrumLength != (long)count * 2 * Bins)
            throw new ArgumentException($"Spectrum must hold {(long)count * 2 * Bins} floats (interleaved re/im), not {spectrumLength}.");
    }

    /// <summary>
    /// Spectrum of <paramref name="x"/> into re/im (Bins each) or, when <paramref name="spectrum"/> is not empty,
    /// interleaved into it (re/im then serve as temporaries). <paramref name="scratch"/>: _scratch − 2·Bins floats.
    /// </summary>
    private void ForwardCore(ReadOnlySpan<float> x, Span<float> re, Span<float> im, Span<float> spectrum, Span<float> scratch)
    {
        int n = Size;
        bool interleaved = !spectrum.IsEmpty;
        if (_half == 0)
        {
            var zr = scratch[..n];
            var zi = scratch.Slice(n, n);
            x.CopyTo(zr);
            zi.Clear();
            _fft.Forward(zr, zi, scratch[(2 * n)..]);
            zr[..Bins].CopyTo(re);
            zi[..Bins].CopyTo(im);
            im[0] = 0; // exactly real, as for even sizes
            if (interleaved) Interleave(re, im, spectrum);
            return;
        }
        int m = _half;
        var ar = scratch[..m];
        var ai = scratch.Slice(m, m);
        _fft.ForwardInterleaved(x, ar, ai, scratch[(2 * m)..]); // z_j = x_2j + i·x_2j+1
        // Split the half-size spectrum Z = E + iO into the even/odd-sample spectra and combine:
        // X_k = E_k + W^k O_k, E_k = (Z_k + conj Z_{m−k})/2, O_k = (Z_k − conj Z_{m−k})/(2i)
        // (the classic "two real halves in one complex FFT" step; e.g. Sorensen et al., "Real-valued fast Fourier
        // transform algorithms", IEEE Trans. ASSP 35(6), 1987).
        float dc = ar[0] + ai[0], nyquist = ar[0] - ai[0];
        int k = 1;
        if (Avx2.IsSupported && m >= 16)
        {
            ref float zr = ref MemoryMarshal.GetReference(ar);
            ref float zi = ref MemoryMarshal.GetReference(ai);
            ref float wr = ref MemoryMarshal.GetArrayDataReference(_hwRe);
            ref float wi = ref MemoryMarshal.GetArrayDataReference(_hwIm);
            ref float outR = ref MemoryMarshal.GetReference(re);
            ref float outI = ref MemoryMarshal.GetReference(im);
            ref float outZ = ref MemoryMarshal.GetReference(spectrum);
            var half = Vector256.Create(0.5f);
            var rev = Vector256.Create(7, 6, 5, 4, 3, 2, 1, 0);
            for (; k + 8 <= m; k += 8)
            {
                var a = Vector256.LoadUnsafe(ref zr, (nuint)k);
                var b = Vector256.LoadUnsafe(ref zi, (nuint)k);
                var c = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref zr, (nuint)(m - k - 7)), rev);
                var d = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref zi, (nuint)(m - k - 7)), rev);
                var hr = Vector256.LoadUnsafe(ref wr, (nuint)k);
                var hi = Vector256.LoadUnsafe(ref wi, (nuint)k);
                var sa = a + c; var db = b - d; var sb = b + d; var dc2 = c - a;
                var xr = ComplexVector.MulAdd(hr, sb, ComplexVector.MulSub(half, sa, hi * dc2));
                var xi = ComplexVector.MulAdd(hr, dc2, ComplexVector.MulAdd(half, db, hi * sb));
                if (interleaved)
                {
                    var lo = Avx.UnpackLow(xr, xi);
                    var up = Avx.UnpackHigh(xr, xi);
                    Avx.Permute2x128(lo, up, 0x20).StoreUnsafe(ref outZ, (nuint)(2 * k));
                    Avx.Permute2x128(lo, up, 0x31).StoreUnsafe(ref outZ, (nuint)(2 * k + 8));
                }
                else
                {
                    xr.StoreUnsafe(ref outR, (nuint)k);
                    xi.StoreUnsafe(ref outI, (nuint)k);
                }
            }
        }
        for (; k < m; k++)
        {
            float a = ar[k], b = ai[k], c = ar[m - k], d = ai[m - k];
            float sa = a + c, db = b - d, sb = b + d, dc2 = c - a;
            float hr = _hwRe[k], hi = _hwIm[k];
            float xr = 0.5f * sa + hr * sb - hi * dc2;
            float xi = 0.5f * db + hr * dc2 + hi * sb;
            if (interleaved) { spectrum[2 * k] = xr; spectrum[2 * k + 1] = xi; }
            else { re[k] = xr; im[k] = xi; }
        }
        if (interleaved)
        {
            spectrum[0] = dc; spectrum[1] = 0;
            spectrum[2 * m] = nyquist; spectrum[2 * m + 1] = 0;
        }
        else
        {
            re[0] = dc; im[0] = 0;
            re[m] = nyquist; im[m] = 0;
        }
    }

    /// <summary>Samples from re/im (Bins each, overwritten); imaginary parts of DC and Nyquist are ignored.</summary>
    private void InverseSplitCore(Span<float> re, Span<float> im, Span<float> output, Span<float> scratch)
    {
        int n = Size;
        if (_half == 0)
        {
            var zr = scratch[..n];
            var zi = scratch.Slice(n, n);
            float s = 1f / n;
            zr[0] = re[0] * s; zi[0] = 0;
            for (int k = 1; k < Bins; k++)
            {
                zr[k] = re[k] * s; zi[k] = im[k] * s;
                zr[n - k] = re[k] * s; zi[n - k] = -im[k] * s;
            }
            _fft.Forward(zi, zr, scratch[(2 * n)..]); // swapped: inverse
            zr.CopyTo(output);
            return;
        }
        int m = _half;
        var br = scratch[..m];
        var bi = scratch.Slice(m, m);
        im[0] = 0; im[m] = 0;
        // Z_k = E_k + i·O_k with E_k = (X_k + conj X_{m−k})/2, O_k = (X_k − conj X_{m−k})·W^{−k}/2, scaled by 1/m.
        float sc = 1f / m;
        int k0 = 0;
        if (Avx2.IsSupported && m >= 16)
        {
            PreInverse(0, re, im, br, bi, sc);
            k0 = 1;
            ref float xr = ref MemoryMarshal.GetReference(re);
            ref float xi = ref MemoryMarshal.GetReference(im);
            ref float wr = ref MemoryMarshal.GetArrayDataReference(_hwRe);
            ref float wi = ref MemoryMarshal.GetArrayDataReference(_hwIm);
            ref float zr = ref MemoryMarshal.GetReference(br);
            ref float zi = ref MemoryMarshal.GetReference(bi);
            var half = Vector256.Create(0.5f);
            var scale = Vector256.Create(sc);
            var rev = Vector256.Create(7, 6, 5, 4, 3, 2, 1, 0);
            for (; k0 + 8 <= m; k0 += 8)
            {
                var a = Vector256.LoadUnsafe(ref xr, (nuint)k0);
                var b = Vector256.LoadUnsafe(ref xi, (nuint)k0);
                var c = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref xr, (nuint)(m - k0 - 7)), rev);
                var d = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref xi, (nuint)(m - k0 - 7)), rev);
                var hr = Vector256.LoadUnsafe(ref wr, (nuint)k0);
                var hi = -Vector256.LoadUnsafe(ref wi, (nuint)k0);
                var er = half * (a + c); var ei = half * (b - d);
                var dr = a - c; var di = b + d;
                var or = ComplexVector.MulSub(dr, hr, di * hi);
                var oi = ComplexVector.MulAdd(dr, hi, di * hr);
                ((er - oi) * scale).StoreUnsafe(ref zr, (nuint)k0);
                ((ei + or) * scale).StoreUnsafe(ref zi, (nuint)k0);
            }
        }
        for (int k = k0; k < m; k++) PreInverse(k, re, im, br, bi, sc);
        _fft.Forward(bi, br, scratch[(2 * m)..]); // swapped: br now holds the real parts, bi the imaginary parts
        Interleave(br, bi, output);
    }

    /// <summary>One bin of the inverse pre-processing (see <see cref="InverseSplitCore"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PreInverse(int k, ReadOnlySpan<float> re, ReadOnlySpan<float> im, Span<float> br, Span<float> bi, float sc)
    {
        int m = _half;
        float a = re[k], b = im[k], c = re[m - k], d = im[m - k];
        float er = 0.5f * (a + c), ei = 0.5f * (b - d);
        float dr = a - c, di = b + d;
        float hr = _hwRe[k], hi = -_hwIm[k]; // ½·W^{−k}
        float or = dr * hr - di * hi, oi = dr * hi + di * hr;
        br[k] = (er - oi) * sc;
        bi[k] = (ei + or) * sc;
    }

    /// <summary>dst[2k] = re[k], dst[2k+1] = im[k].</summary>
    internal static void Interleave(ReadOnlySpan<float> re, ReadOnlySpan<float> im, Span<float> dst)
    {
        int n = re.Length, k = 0;
        if (Avx.IsSupported && n >= 8)
        {
            ref float r = ref MemoryMarshal.GetReference(re);
            ref float i = ref MemoryMarshal.GetReference(im);
            ref float d = ref MemoryMarshal.GetReference(dst);
            for (; k + 8 <= n; k += 8)
            {
                var vr = Vector256.LoadUnsafe(ref r, (nuint)k);
                var vi = Vector256.LoadUnsafe(ref i, (nuint)k);
                var lo = Avx.UnpackLow(vr, vi);
                var hi = Avx.UnpackHigh(vr, vi);
                Avx.Permute2x128(lo, hi, 0x20).StoreUnsafe(ref d, (nuint)(2 * k));
                Avx.Permute2x128(lo, hi, 0x31).StoreUnsafe(ref d, (nuint)(2 * k + 8));
            }
        }
        for (; k < n; k++) { dst[2 * k] = re[k]; dst[2 * k + 1] = im[k]; }
    }

    /// <summary>re[k] = src[2k], im[k] = src[2k+1] for k &lt; re.Length.</summary>
    internal static void Deinterleave(ReadOnlySpan<float> src, Span<float> re, Span<float> im)
    {
        int n = re.Length, k = 0;
        if (Avx2.IsSupported && n >= 8)
        {
            ref float s = ref MemoryMarshal.GetReference(src);
            ref float r = ref MemoryMarshal.GetReference(re);
            ref float i = ref MemoryMarshal.GetReference(im);
            for (; k + 8 <= n; k += 8)
            {
                var v0 = Vector256.LoadUnsafe(ref s, (nuint)(2 * k));
                var v1 = Vector256.LoadUnsafe(ref s, (nuint)(2 * k + 8));
                var e = Avx.Shuffle(v0, v1, 0x88);
                var o = Avx.Shuffle(v0, v1, 0xDD);
                Avx2.Permute4x64(e.AsDouble(), 0xD8).AsSingle().StoreUnsafe(ref r, (nuint)k);
                Avx2.Permute4x64(o.AsDouble(), 0xD8).AsSingle().StoreUnsafe(ref i, (nuint)k);
            }
        }
        for (; k < n; k++) { re[k] = src[2 * k]; im[k] = src[2 * k + 1]; }
    }
}
