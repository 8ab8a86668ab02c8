namespace Groove.Dsp;

/// <summary>
/// Real-input FFT of a fixed size n. The spectrum is n/2+1 complex bins stored interleaved
/// (re0, im0, re1, im1, ...), unnormalised forward transform, inverse scaled by 1/n (numpy's convention).
/// An instance holds its twiddles and scratch: use one per thread.
/// </summary>
public sealed class RealFft
{
    public int Size { get; }
    public int Bins => Size / 2 + 1;

    private readonly double[] _cos, _sin;

    public RealFft(int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size));
        Size = size;
        _cos = new double[size];
        _sin = new double[size];
        for (int k = 0; k < size; k++)
        {
            _cos[k] = Math.Cos(2 * Math.PI * k / size);
            _sin[k] = Math.Sin(2 * Math.PI * k / size);
        }
    }

    /// <summary>Forward transform: <paramref name="input"/> has Size samples, <paramref name="spectrum"/> 2·Bins floats.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> spectrum)
    {
        // Placeholder O(n²) DFT until the fast transform lands; same contract.
        int n = Size;
        for (int k = 0; k < Bins; k++)
        {
            double re = 0, im = 0;
            for (int t = 0; t < n; t++)
            {
                int idx = (int)((long)k * t % n);
                re += input[t] * _cos[idx];
                im -= input[t] * _sin[idx];
            }
            spectrum[2 * k] = (float)re;
            spectrum[2 * k + 1] = (float)im;
        }
    }

    /// <summary>Inverse transform of a Hermitian spectrum (2·Bins floats) into Size real samples, scaled by 1/n.</summary>
    public void Inverse(ReadOnlySpan<float> spectrum, Span<float> output)
    {
        int n = Size;
        for (int t = 0; t < n; t++)
        {
            double acc = spectrum[0];
            for (int k = 1; k < Bins; k++)
            {
                int idx = (int)((long)k * t % n);
                double re = spectrum[2 * k], im = spectrum[2 * k + 1];
                double term = re * _cos[idx] - im * _sin[idx];
                acc += (n % 2 == 0 && k == n / 2) ? term : 2 * term;
            }
            output[t] = (float)(acc / n);
        }
    }
}
