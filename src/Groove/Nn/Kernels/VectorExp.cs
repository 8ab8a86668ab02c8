using System.Runtime.CompilerServices;

namespace Groove.Nn.Kernels;

/// <summary>
/// eˣ on float vectors of any width, in single precision: x = n·ln 2 + r with n = round(x / ln 2) and |r| ≤ ln 2 / 2
/// (ln 2 split in a high and a low part so that r is exact), eʳ by the degree-6 polynomial of Moshier's Cephes
/// <c>expf</c> (S. L. Moshier, "Methods and Programs for Mathematical Functions", 1989: relative error about
/// 1e-7 on that range), then scaled by 2ⁿ through the exponent bits. Inputs are clamped to [−87, 88] so that
/// 2ⁿ stays a normal float: below −87 the result is about 1.6e-38 instead of a smaller number or 0, above 88 about
/// 1.7e38 instead of a larger number or ∞ — harmless for the activations and gates built on it (sigmoid, tanh,
/// ELU, erf), whose results saturate long before.
/// </summary>
internal static class VectorExp
{
    const float Log2E = 1.44269504088896341f;
    const float Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;
    const float C6 = 1.9875691500e-4f, C5 = 1.3981999507e-3f, C4 = 8.3334519073e-3f, C3 = 4.1665795894e-2f,
        C2 = 1.6666665459e-1f, C1 = 5.0000001201e-1f;

    /// <summary>eˣ per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TL, TV>(TV x) where TL : IVectorLanes<TV> where TV : struct
    {
        x = TL.Max(TL.Min(x, TL.Splat(88f)), TL.Splat(-87f));
        TV n = TL.Round(TL.Mul(x, TL.Splat(Log2E)));
        TV r = TL.Fma(n, TL.Splat(-Ln2Hi), x);
        r = TL.Fma(n, TL.Splat(-Ln2Lo), r);
        TV p = TL.Fma(TL.Splat(C6), r, TL.Splat(C5));
        p = TL.Fma(p, r, TL.Splat(C4));
        p = TL.Fma(p, r, TL.Splat(C3));
        p = TL.Fma(p, r, TL.Splat(C2));
        p = TL.Fma(p, r, TL.Splat(C1));
        TV e = TL.Add(TL.Fma(p, TL.Mul(r, r), r), TL.Splat(1f));
        return TL.Mul(e, TL.Pow2(n));
    }
}
