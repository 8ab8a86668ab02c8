namespace Groove.Dsp.Fft;

/// <summary>
/// Forward complex FFT of a fixed size on split (real, imaginary) arrays, in place, unnormalised:
/// <c>X_k = Σ_j x_j·exp(−2πi·jk/N)</c>. Sizes whose prime factors are all ≤ <see cref="MaxDirectPrime"/> use a
/// mixed-radix Stockham FFT (radix 8, 4, 2, 3, 5 and a generic odd radix); other sizes use Bluestein's chirp-z algorithm.
/// Immutable after construction (thread-safe); callers pass <see cref="ScratchLength"/> floats of scratch.
/// The inverse transform is <c>Forward(im, re)</c>: swapping the arrays conjugates input and output, giving N·IFFT.
/// </summary>
internal sealed class ComplexFft
{
    /// <summary>Largest prime factor handled by a direct (generic odd-radix) pass; above it, Bluestein.</summary>
    public const int MaxDirectPrime = 31;

    public int Size { get; }
    public int ScratchLength { get; }
    public bool UsesBluestein => _bluestein != null;

    private readonly StockhamStage[] _stages;
    private readonly BluesteinFft? _bluestein;

    /// <param name="size">Transform size.</param>
    /// <param name="simd">Allow the AVX2 butterflies (false forces the portable scalar passes; for tests).</param>
    public ComplexFft(int size, bool simd = true)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), "FFT size must be at least 1.");
        Size = size;
        var radices = PlanRadices(size);
        if (radices == null)
        {
            _stages = [];
            _bluestein = new BluesteinFft(size, simd);
            ScratchLength = _bluestein.ScratchLength;
            return;
        }
        _stages = new StockhamStage[radices.Count];
        int stride = 1, sub = size;
        for (int t = 0; t < radices.Count; t++)
        {
            int p = radices[t];
            _stages[t] = new StockhamStage(p, stride, sub / p, simd);
            stride *= p;
            sub /= p;
        }
        ScratchLength = 2 * size;
    }

    /// <summary>Radices in pass order (8s, then a 4 or 2, then odd primes), or null when Bluestein is needed.</summary>
    internal static List<int>? PlanRadices(int n)
    {
        int twos = 0;
        while (n % 2 == 0) { n /= 2; twos++; }
        var odd = new List<int>();
        for (int f = 3; (long)f * f <= n; f += 2)
            while (n % f == 0) { odd.Add(f); n /= f; }
        if (n > 1) odd.Add(n);
        if (odd.Count > 0 && odd[^1] > MaxDirectPrime) return null;
        var r = new List<int>();
        // Radix-8 passes, finishing with 4·4 rather than 8·2 (a radix-2 pass moves as much data for fewer flops).
        int fours = twos % 3 == 2 ? 1 : twos % 3 == 1 && twos >= 4 ? 2 : 0;
        int eights = (twos - 2 * fours) / 3;
        for (int i = 0; i < eights; i++) r.Add(8);
        for (int i = 0; i < fours; i++) r.Add(4);
        if (twos == 1) r.Add(2);
        r.AddRange(odd);
        return r;
    }

    public void Forward(Span<float> re, Span<float> im, Span<float> scratch)
    {
        int n = Size;
        if (re.Length < n || im.Length < n || scratch.Length < ScratchLength)
            throw new ArgumentException("FFT buffer too small.");
        if (_bluestein != null)
        {
            _bluestein.Forward(re, im, scratch);
            return;
        }
        Span<float> xr = re[..n], xi = im[..n];
        Span<float> yr = scratch[..n], yi = scratch.Slice(n, n);
        foreach (var stage in _stages)
        {
            stage.Run(xr, xi, yr, yi);
            var tr = xr; xr = yr; yr = tr;
            var ti = xi; xi = yi; yi = ti;
        }
        if (_stages.Length % 2 == 1)
        {
            xr.CopyTo(re);
            xi.CopyTo(im);
        }
    }

    /// <summary>
    /// Forward transform of interleaved input <paramref name="z"/> (re, im, … : 2·Size floats) into split
    /// <paramref name="re"/>/<paramref name="im"/>; the first pass reads the interleaved data directly when it can.
    /// </summary>
    public void ForwardInterleaved(ReadOnlySpan<float> z, Span<float> re, Span<float> im, Span<float> scratch)
    {
        int n = Size;
        if (_bluestein != null || _stages.Length == 0 || !_stages[0].CanRunInterleaved)
        {
            RealFft.Deinterleave(z[..(2 * n)], re[..n], im[..n]);
            Forward(re, im, scratch);
            return;
        }
        if (z.Length < 2 * n || re.Length < n || im.Length < n || scratch.Length < ScratchLength)
            throw new ArgumentException("FFT buffer too small.");
        // The first pass writes where an even number of further passes leaves the result in re/im.
        Span<float> sr = scratch[..n], si = scratch.Slice(n, n);
        bool odd = _stages.Length % 2 == 1;
        Span<float> xr = odd ? re[..n] : sr, xi = odd ? im[..n] : si;
        Span<float> yr = odd ? sr : re[..n], yi = odd ? si : im[..n];
        _stages[0].RunInterleaved(z, xr, xi);
        for (int t = 1; t < _stages.Length; t++)
        {
            _stages[t].Run(xr, xi, yr, yi);
            var tr = xr; xr = yr; yr = tr;
            var ti = xi; xi = yi; yi = ti;
        }
    }
}
