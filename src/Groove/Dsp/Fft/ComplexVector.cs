using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Groove.Dsp.Fft;

/// <summary>Eight complex numbers in split form (one vector of real parts, one of imaginary parts).</summary>
internal readonly struct ComplexVector
{
    public readonly Vector256<float> Re;
    public readonly Vector256<float> Im;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ComplexVector(Vector256<float> re, Vector256<float> im) { Re = re; Im = im; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ComplexVector Load(ref float re, ref float im, int offset) =>
        new(Vector256.LoadUnsafe(ref re, (nuint)offset), Vector256.LoadUnsafe(ref im, (nuint)offset));

    /// <summary>Loads eight complex numbers stored interleaved (re, im, re, im, …) from 16 floats at <paramref name="offset"/> (AVX2 only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ComplexVector LoadInterleaved(ref float z, int offset)
    {
        var v0 = Vector256.LoadUnsafe(ref z, (nuint)offset);
        var v1 = Vector256.LoadUnsafe(ref z, (nuint)(offset + 8));
        var e = Avx.Shuffle(v0, v1, 0x88); // per 128-bit lane: v0[0], v0[2], v1[0], v1[2]
        var o = Avx.Shuffle(v0, v1, 0xDD);
        return new(Avx2.Permute4x64(e.AsDouble(), 0xD8).AsSingle(), Avx2.Permute4x64(o.AsDouble(), 0xD8).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float re, ref float im, int offset)
    {
        Re.StoreUnsafe(ref re, (nuint)offset);
        Im.StoreUnsafe(ref im, (nuint)offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ComplexVector Broadcast(float re, float im) => new(Vector256.Create(re), Vector256.Create(im));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ComplexVector operator +(ComplexVector a, ComplexVector b) => new(a.Re + b.Re, a.Im + b.Im);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ComplexVector operator -(ComplexVector a, ComplexVector b) => new(a.Re - b.Re, a.Im - b.Im);

    /// <summary>Complex product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ComplexVector operator *(ComplexVector a, ComplexVector w) =>
        new(MulSub(a.Re, w.Re, a.Im * w.Im), MulAdd(a.Re, w.Im, a.Im * w.Re));

    /// <summary>Times −i: (re, im) → (im, −re).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ComplexVector TimesMinusI() => new(Im, -Re);

    /// <summary>a·b + c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary>a·b − c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MulSub(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplySubtract(a, b, c) : a * b - c;
}
