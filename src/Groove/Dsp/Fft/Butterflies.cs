using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Groove.Dsp.Fft;

/// <summary>
/// Small DFTs (radix-2, 4, 8 and any odd radix) on eight independent inputs at once, in place:
/// on return <c>a[k]</c> holds <c>Σ_j a[j]·exp(−2πi·jk/p)</c>.
/// </summary>
internal static class Butterflies
{
    private static readonly float Sqrt1_2 = MathF.Sqrt(0.5f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Radix2(ref ComplexVector a0, ref ComplexVector a1)
    {
        var t = a0;
        a0 = t + a1;
        a1 = t - a1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Radix4(ref ComplexVector a0, ref ComplexVector a1, ref ComplexVector a2, ref ComplexVector a3)
    {
        var t0 = a0 + a2;
        var t1 = a0 - a2;
        var t2 = a1 + a3;
        var t3 = (a1 - a3).TimesMinusI();
        a0 = t0 + t2;
        a2 = t0 - t2;
        a1 = t1 + t3;
        a3 = t1 - t3;
    }

    /// <summary>Radix-8 as one radix-2 layer (pairs j, j+4, twiddled by ω8^j) followed by two radix-4 DFTs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Radix8(ref ComplexVector a0, ref ComplexVector a1, ref ComplexVector a2, ref ComplexVector a3,
                              ref ComplexVector a4, ref ComplexVector a5, ref ComplexVector a6, ref ComplexVector a7)
    {
        var h = Vector256.Create(Sqrt1_2);
        var c0 = a0 + a4; var d0 = a0 - a4;
        var c1 = a1 + a5; var e1 = a1 - a5;
        var c2 = a2 + a6; var d2 = (a2 - a6).TimesMinusI();
        var c3 = a3 + a7; var e3 = a3 - a7;
        // ω8·(x+iy) = ((x+y) + i(y−x))/√2 ; ω8³·(x+iy) = ((y−x) − i(x+y))/√2
        var d1 = new ComplexVector((e1.Re + e1.Im) * h, (e1.Im - e1.Re) * h);
        var d3 = new ComplexVector((e3.Im - e3.Re) * h, -(e3.Re + e3.Im) * h);
        Radix4(ref c0, ref c1, ref c2, ref c3);
        Radix4(ref d0, ref d1, ref d2, ref d3);
        a0 = c0; a2 = c1; a4 = c2; a6 = c3;
        a1 = d0; a3 = d1; a5 = d2; a7 = d3;
    }

    /// <summary>
    /// Any radix: 2, 4 and 8 by the routines above, odd radices by pairing j with p−j
    /// (cos[(j−1)·h + (k−1)] and sin[...] hold cos/sin(2π·jk/p) for j, k in 1..h, h = (p−1)/2).
    /// </summary>
    public static void Any(Span<ComplexVector> a, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        int p = a.Length;
        switch (p)
        {
            case 1: return;
            case 2: Radix2(ref a[0], ref a[1]); return;
            case 4: Radix4(ref a[0], ref a[1], ref a[2], ref a[3]); return;
            case 8: Radix8(ref a[0], ref a[1], ref a[2], ref a[3], ref a[4], ref a[5], ref a[6], ref a[7]); return;
        }
        if (p == 3) { Radix3(ref a[0], ref a[1], ref a[2]); return; }
        if (p == 5) { Radix5(ref a[0], ref a[1], ref a[2], ref a[3], ref a[4]); return; }
        Odd(a, cos, sin);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Radix3(ref ComplexVector a0, ref ComplexVector a1, ref ComplexVector a2)
    {
        // cos(2π/3) = −1/2, sin(2π/3) = √3/2
        var u = a1 + a2;
        var v = a1 - a2;
        var half = Vector256.Create(-0.5f);
        var s = Vector256.Create(0.8660254037844386f);
        var ar = ComplexVector.MulAdd(u.Re, half, a0.Re);
        var ai = ComplexVector.MulAdd(u.Im, half, a0.Im);
        var br = v.Re * s;
        var bi = v.Im * s;
        a0 = a0 + u;
        a1 = new ComplexVector(ar + bi, ai - br);
        a2 = new ComplexVector(ar - bi, ai + br);
    }

    /// <summary>Radix-5 by pairing (1, 4) and (2, 3): b_k = a0 + Σ u_j·cos(2πjk/5) − i·Σ v_j·sin(2πjk/5).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Radix5(ref ComplexVector a0, ref ComplexVector a1, ref ComplexVector a2, ref ComplexVector a3, ref ComplexVector a4)
    {
        var c1 = Vector256.Create(0.30901699437494745f);  // cos(2π/5)
        var c2 = Vector256.Create(-0.8090169943749473f);  // cos(4π/5)
        var s1 = Vector256.Create(0.9510565162951535f);   // sin(2π/5)
        var s2 = Vector256.Create(0.5877852522924732f);   // sin(4π/5)
        var u1 = a1 + a4; var v1 = a1 - a4;
        var u2 = a2 + a3; var v2 = a2 - a3;
        var x = a0;
        // k = 1: cos (c1, c2), sin (s1, s2); k = 2: cos (c2, c1), sin (s2, −s1)
        var a1r = ComplexVector.MulAdd(u2.Re, c2, ComplexVector.MulAdd(u1.Re, c1, x.Re));
        var a1i = ComplexVector.MulAdd(u2.Im, c2, ComplexVector.MulAdd(u1.Im, c1, x.Im));
        var b1r = ComplexVector.MulAdd(v2.Re, s2, v1.Re * s1);
        var b1i = ComplexVector.MulAdd(v2.Im, s2, v1.Im * s1);
        var a2r = ComplexVector.MulAdd(u2.Re, c1, ComplexVector.MulAdd(u1.Re, c2, x.Re));
        var a2i = ComplexVector.MulAdd(u2.Im, c1, ComplexVector.MulAdd(u1.Im, c2, x.Im));
        var b2r = ComplexVector.MulSub(v1.Re, s2, v2.Re * s1);
        var b2i = ComplexVector.MulSub(v1.Im, s2, v2.Im * s1);
        a0 = x + u1 + u2;
        a1 = new ComplexVector(a1r + b1i, a1i - b1r);
        a4 = new ComplexVector(a1r - b1i, a1i + b1r);
        a2 = new ComplexVector(a2r + b2i, a2i - b2r);
        a3 = new ComplexVector(a2r - b2i, a2i + b2r);
    }

    private static void Odd(Span<ComplexVector> a, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        int p = a.Length, h = (p - 1) / 2;
        Span<ComplexVector> u = stackalloc ComplexVector[h];
        Span<ComplexVector> v = stackalloc ComplexVector[h];
        var a0 = a[0];
        var sum = a0;
        for (int j = 1; j <= h; j++)
        {
            u[j - 1] = a[j] + a[p - j];
            v[j - 1] = a[j] - a[p - j];
            sum += u[j - 1];
        }
        for (int k = 1; k <= h; k++)
        {
            Vector256<float> ar = a0.Re, ai = a0.Im, br = Vector256<float>.Zero, bi = Vector256<float>.Zero;
            for (int j = 1; j <= h; j++)
            {
                var c = Vector256.Create(cos[(j - 1) * h + (k - 1)]);
                var s = Vector256.Create(sin[(j - 1) * h + (k - 1)]);
                ar = ComplexVector.MulAdd(u[j - 1].Re, c, ar);
                ai = ComplexVector.MulAdd(u[j - 1].Im, c, ai);
                br = ComplexVector.MulAdd(v[j - 1].Re, s, br);
                bi = ComplexVector.MulAdd(v[j - 1].Im, s, bi);
            }
            a[k] = new ComplexVector(ar + bi, ai - br);
            a[p - k] = new ComplexVector(ar - bi, ai + br);
        }
        a[0] = sum;
    }
}
