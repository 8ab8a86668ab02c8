using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Groove.Dsp.Fft;

/// <summary>
/// Complex DFT of any size N as a circular convolution of power-of-two size M ≥ 2N−1 (Bluestein, "A linear
/// filtering approach to the computation of the discrete Fourier transform", 1970): with c_t = exp(−iπt²/N),
/// X_k = c_k · Σ_j (x_j c_j)·conj(c_{k−j}).
/// </summary>
internal sealed class BluesteinFft
{
    private readonly int _n, _m;
    private readonly ComplexFft _inner;
    private readonly float[] _chirpRe, _chirpIm;
    private readonly float[] _kernelRe, _kernelIm;

    public int ScratchLength => 2 * _m + _inner.ScratchLength;

    public BluesteinFft(int n, bool simd = true)
    {
        _n = n;
        _m = 1;
        while (_m < 2 * n - 1) _m *= 2;
        _inner = new ComplexFft(_m, simd);
        _chirpRe = new float[n];
        _chirpIm = new float[n];
        var cr = new double[n];
        var ci = new double[n];
        for (int t = 0; t < n; t++)
        {
            double angle = -Math.PI * ((long)t * t % (2L * n)) / n;
            cr[t] = Math.Cos(angle); ci[t] = Math.Sin(angle);
            _chirpRe[t] = (float)cr[t];
            _chirpIm[t] = (float)ci[t];
        }
        // The kernel conj(c_t) on t ∈ (−N, N), wrapped, transformed once and pre-scaled by 1/M for the inverse.
        _kernelRe = new float[_m];
        _kernelIm = new float[_m];
        _kernelRe[0] = (float)cr[0]; _kernelIm[0] = (float)-ci[0];
        for (int t = 1; t < n; t++)
        {
            _kernelRe[t] = _kernelRe[_m - t] = (float)cr[t];
            _kernelIm[t] = _kernelIm[_m - t] = (float)-ci[t];
        }
        var scratch = new float[_inner.ScratchLength];
        _inner.Forward(_kernelRe, _kernelIm, scratch);
        TensorPrimitives.Multiply(_kernelRe, 1f / _m, _kernelRe);
        TensorPrimitives.Multiply(_kernelIm, 1f / _m, _kernelIm);
    }

    public void Forward(Span<float> re, Span<float> im, Span<float> scratch)
    {
        int n = _n, m = _m;
        var ar = scratch[..m];
        var ai = scratch.Slice(m, m);
        var work = scratch[(2 * m)..];
        Multiply(re[..n], im[..n], _chirpRe, _chirpIm, ar, ai);
        ar[n..].Clear();
        ai[n..].Clear();
        _inner.Forward(ar, ai, work);
        Multiply(ar, ai, _kernelRe, _kernelIm, ar, ai);
        _inner.Forward(ai, ar, work); // swapped: inverse transform (scale folded into the kernel)
        Multiply(ar[..n], ai[..n], _chirpRe, _chirpIm, re, im);
    }

    /// <summary>Element-wise complex product (xr + i·xi)·(yr + i·yi) into (zr, zi); z may alias x.</summary>
    private static void Multiply(ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, ReadOnlySpan<float> yr, ReadOnlySpan<float> yi,
                                 Span<float> zr, Span<float> zi)
    {
        int n = xr.Length, k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float pxr = ref MemoryMarshal.GetReference(xr);
            ref float pxi = ref MemoryMarshal.GetReference(xi);
            ref float pyr = ref MemoryMarshal.GetReference(yr);
            ref float pyi = ref MemoryMarshal.GetReference(yi);
            ref float pzr = ref MemoryMarshal.GetReference(zr);
            ref float pzi = ref MemoryMarshal.GetReference(zi);
            for (; k + 8 <= n; k += 8)
            {
                var x = ComplexVector.Load(ref pxr, ref pxi, k);
                var y = ComplexVector.Load(ref pyr, ref pyi, k);
                (x * y).Store(ref pzr, ref pzi, k);
            }
        }
        for (; k < n; k++)
        {
            float a = xr[k], b = xi[k], c = yr[k], d = yi[k];
            zr[k] = a * c - b * d;
            zi[k] = a * d + b * c;
        }
    }
}
