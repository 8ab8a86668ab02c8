using System.Buffers;
using System.Numerics.Tensors;

namespace Groove.Dsp;

/// <summary>
/// Halves a signal's sample rate with a linear-phase Kaiser-windowed-sinc low-pass (passband to 0.95 of the new
/// Nyquist, stopband from the new Nyquist on, about 80 dB down), keeping passband gain 1 and time alignment
/// (output sample j is at input sample 2j). Used by the multirate CQT/VQT to go down one octave at a time.
/// Thread-safe (the filter is immutable).
/// </summary>
internal sealed class OctaveDecimator
{
    private readonly float[] _taps;
    private readonly int _half;

    /// <summary>Passband edge of <see cref="Default"/> as a fraction of the output Nyquist frequency.</summary>
    public const double PassbandFraction = 0.95;

    /// <summary>The shared default decimator.</summary>
    public static OctaveDecimator Default { get; } = new(200, 0.2375, 0.25, 80);

    /// <param name="half">The filter has 2·half + 1 taps.</param>
    /// <param name="passEdge">Passband edge, as a fraction of the input rate.</param>
    /// <param name="stopEdge">Stopband edge, as a fraction of the input rate.</param>
    /// <param name="attenuationDb">Kaiser design attenuation.</param>
    public OctaveDecimator(int half, double passEdge, double stopEdge, double attenuationDb)
    {
        _half = half;
        int n = 2 * half + 1;
        double fc = 0.5 * (passEdge + stopEdge);
        // Kaiser's beta for a given stopband attenuation (Kaiser 1974; Oppenheim & Schafer eq. 7.62).
        double a = attenuationDb;
        double beta = a > 50 ? 0.1102 * (a - 8.7) : a >= 21 ? 0.5842 * Math.Pow(a - 21, 0.4) + 0.07886 * (a - 21) : 0;
        double i0b = BesselI0(beta);
        var taps = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            int m = i - half;
            double sinc = m == 0 ? 2 * fc : Math.Sin(2 * Math.PI * fc * m) / (Math.PI * m);
            double r = (double)m / half;
            double w = BesselI0(beta * Math.Sqrt(Math.Max(0, 1 - r * r))) / i0b;
            taps[i] = sinc * w;
            sum += taps[i];
        }
        _taps = new float[n];
        for (int i = 0; i < n; i++) _taps[i] = (float)(taps[i] / sum); // unit DC gain
    }

    /// <summary>Output length for an input of <paramref name="inputLength"/> samples: ⌈n/2⌉.</summary>
    public static int OutputLength(int inputLength) => (inputLength + 1) / 2;

    /// <summary>Low-pass filters <paramref name="input"/> and keeps every other sample (zero-padded at both ends).</summary>
    public void Decimate(ReadOnlySpan<float> input, Span<float> output)
    {
        int n = input.Length, outLen = OutputLength(n);
        if (output.Length < outLen) throw new ArgumentException("Output too short.", nameof(output));
        int padded = n + 2 * _half + 1;
        var buf = ArrayPool<float>.Shared.Rent(padded);
        try
        {
            var p = buf.AsSpan(0, padded);
            p[.._half].Clear();
            input.CopyTo(p[_half..]);
            p[(_half + n)..].Clear();
            ReadOnlySpan<float> taps = _taps;
            int len = taps.Length;
            // Symmetric taps: correlation equals convolution; output j is centred on input 2j.
            for (int j = 0; j < outLen; j++)
                output[j] = TensorPrimitives.Dot(taps, p.Slice(2 * j, len));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buf);
        }
    }

    /// <summary>Allocating convenience wrapper around <see cref="Decimate(ReadOnlySpan{float}, Span{float})"/>.</summary>
    public float[] Decimate(ReadOnlySpan<float> input)
    {
        var o = new float[OutputLength(input.Length)];
        Decimate(input, o);
        return o;
    }

    private static double BesselI0(double x)
    {
        // Power series; converges quickly for the beta values used here (< 15).
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 200; k++)
        {
            term *= q / ((double)k * k);
            sum += term;
            if (term < 1e-17 * sum) break;
        }
        return sum;
    }
}
