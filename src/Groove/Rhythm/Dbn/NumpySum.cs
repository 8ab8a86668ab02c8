namespace Groove.Rhythm.Dbn;

/// <summary>
/// Sums doubles in the order numpy's pairwise summation uses (blocks of 8 partial sums up to 128 values, halving
/// above), so that normalised probabilities match madmom's to the last bit.
/// </summary>
internal static class NumpySum
{
    public static double Pairwise(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double s = -0.0;
            for (int i = 0; i < n; i++) s += a[i];
            return s;
        }
        if (n <= 128)
        {
            Span<double> r = stackalloc double[8];
            a[..8].CopyTo(r);
            int i = 8;
            for (; i < n - n % 8; i += 8)
                for (int j = 0; j < 8; j++) r[j] += a[i + j];
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) res += a[i];
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return Pairwise(a[..n2]) + Pairwise(a[n2..]);
    }
}
