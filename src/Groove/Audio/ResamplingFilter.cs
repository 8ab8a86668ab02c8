namespace Groove.Audio;

/// <summary>
/// The polyphase table of a Kaiser-windowed sinc low-pass filter for one resampling ratio: row p holds the taps
/// that produce an output sample lying p/Phases of an input sample after the last input sample at or before it.
/// For a rational ratio L/M with a small L the table has exactly L rows and no interpolation is needed; otherwise
/// it has a fixed number of rows and <see cref="Resampler"/> interpolates linearly between neighbouring rows.
/// </summary>
/// <remarks>
/// Filter design after J. F. Kaiser, "Nonrecursive digital filter design using the I0-sinh window function"
/// (Proc. IEEE ISCAS 1974): β and the length from the attenuation and the transition width. The bandlimited
/// interpolation scheme follows J. O. Smith and P. Gossett, "A flexible sampling-rate conversion method"
/// (ICASSP 1984).
/// </remarks>
internal sealed class ResamplingFilter
{
    /// <summary>Largest L for which a rational ratio gets an exact (uninterpolated) table.</summary>
    public const int MaxExactPhases = 2048;

    /// <summary>Largest exact table (floats); beyond it the interpolated table is used.</summary>
    private const long MaxTableFloats = 4 << 20;

    /// <summary>Taps on each side of the output position; each row has <c>2 * HalfTaps</c> taps.</summary>
    public int HalfTaps { get; }
    public int Taps => 2 * HalfTaps;

    /// <summary>Rows of the table, not counting the extra last row (phase 1.0) kept for interpolation.</summary>
    public int Phases { get; }

    /// <summary>Whether rows map one-to-one to the phases of a rational ratio (no interpolation).</summary>
    public bool Exact { get; }

    /// <summary>Output/input ratio as a fraction L/M (0 when the ratio is not rational).</summary>
    public long L { get; }
    public long M { get; }

    /// <summary>Output rate / input rate.</summary>
    public double Ratio { get; }

    /// <summary>(Phases + 1) rows of <see cref="Taps"/> taps each.</summary>
    public float[] Table { get; }

    public ReadOnlySpan<float> Row(int phase) => Table.AsSpan(phase * Taps, Taps);

    private ResamplingFilter(double ratio, long l, long m, ResampleQuality quality)
    {
        if (!(ratio > 0) || !double.IsFinite(ratio)) throw new ArgumentOutOfRangeException(nameof(ratio), "the ratio must be positive and finite");
        Ratio = ratio;
        L = l;
        M = m;
        var (pass, attenuation, interpolatedPhases) = quality switch
        {
            ResampleQuality.Fast => (0.80, 60.0, 256),
            ResampleQuality.Medium => (0.85, 80.0, 512),
            _ => (0.90, 100.0, 1024),
        };
        double scale = Math.Min(1.0, ratio);               // the lower Nyquist, in units of the input's Nyquist
        double transition = (1.0 - pass) * 0.5 * scale;     // cycles per input sample
        double cutoff = (1.0 + pass) / 2 * 0.5 * scale;     // centre of the transition band
        double beta = attenuation > 50 ? 0.1102 * (attenuation - 8.7)
            : attenuation >= 21 ? 0.5842 * Math.Pow(attenuation - 21, 0.4) + 0.07886 * (attenuation - 21) : 0;
        double length = (attenuation - 7.95) / (2.285 * 2 * Math.PI * transition) + 1;
        HalfTaps = Math.Max(2, (int)Math.Ceiling(length / 2));

        // Linear interpolation between rows errs by about (cutoff / phases)^2, so a lower cutoff (downsampling by a
        // large factor, with a proportionally longer filter) needs proportionally fewer rows: the table stays ~1 MB.
        int interpolated = Math.Max(16, (int)Math.Ceiling(interpolatedPhases * scale));
        Exact = l > 0 && l <= MaxExactPhases && (l + 1) * 2L * HalfTaps <= MaxTableFloats;
        Phases = Exact ? (int)l : interpolated;
        Table = new float[(Phases + 1) * Taps];
        double i0Beta = BesselI0(beta);
        var row = new double[Taps];
        for (int p = 0; p <= Phases; p++)
        {
            double f = (double)p / Phases;
            double sum = 0;
            for (int j = 0; j < Taps; j++)
            {
                double d = f + HalfTaps - 1 - j;          // distance from the input sample to the output position
                double x = d / HalfTaps;
                double window = Math.Abs(x) >= 1 ? 0 : BesselI0(beta * Math.Sqrt(1 - x * x)) / i0Beta;
                double arg = 2 * cutoff * d;
                double sinc = arg == 0 ? 1 : Math.Sin(Math.PI * arg) / (Math.PI * arg);
                row[j] = 2 * cutoff * sinc * window;
                sum += row[j];
            }
            // Unit DC gain in every phase removes the small phase-dependent gain ripple of a truncated kernel.
            for (int j = 0; j < Taps; j++) Table[p * Taps + j] = (float)(row[j] / sum);
        }
    }

    public static ResamplingFilter ForRates(int inputRate, int outputRate, ResampleQuality quality)
    {
        if (inputRate <= 0) throw new ArgumentOutOfRangeException(nameof(inputRate));
        if (outputRate <= 0) throw new ArgumentOutOfRangeException(nameof(outputRate));
        long g = Gcd(inputRate, outputRate);
        return new ResamplingFilter((double)outputRate / inputRate, outputRate / g, inputRate / g, quality);
    }

    public static ResamplingFilter ForRatio(double ratio, ResampleQuality quality) => new(ratio, 0, 0, quality);

    private static long Gcd(long a, long b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    /// <summary>Modified Bessel function of the first kind, order 0 (power series).</summary>
    internal static double BesselI0(double x)
    {
        double sum = 1, term = 1, half = x / 2;
        for (int k = 1; k < 500; k++)
        {
            term *= half / k;
            double t2 = term * term;
            sum += t2;
            if (t2 < 1e-17 * sum) break;
        }
        return sum;
    }
}
