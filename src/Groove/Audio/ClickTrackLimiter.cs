using System.Buffers;
using System.Numerics.Tensors;

namespace Groove.Audio;

/// <summary>
/// A look-ahead peak limiter for <see cref="ClickTrackRenderer"/>'s mix: where the mix would exceed the ceiling, its
/// gain dips smoothly (a short ramp down before the peak, an exponential recovery after it) instead of clipping
/// the waveform. The same gain is applied to every channel, so the stereo image stays put.
/// </summary>
/// <remarks>
/// The gain curve is the required gain <c>r[i] = min(1, ceiling / peak[i])</c>, taken through a forward-looking
/// minimum over the look-ahead window, an exponential release, and a moving average over the same window. Every
/// sample that the average at <c>i</c> covers is a minimum over a window that contains <c>i</c>, so the smoothed gain
/// never exceeds <c>r[i]</c>: no sample ends above the ceiling.
/// </remarks>
internal static class ClickTrackLimiter
{
    public static void Apply(float[][] channels, int sampleRate, float ceiling, double lookaheadSeconds = 0.002,
        double releaseSeconds = 0.05)
    {
        int n = channels[0].Length;
        if (n == 0) return;
        float max = 0;
        foreach (var c in channels) max = Math.Max(max, Math.Abs(TensorPrimitives.MaxMagnitude(c)));
        if (max <= ceiling) return;

        var pool = ArrayPool<float>.Shared;
        var required = pool.Rent(n);
        var held = pool.Rent(n);
        var window = ArrayPool<int>.Shared.Rent(n);
        try
        {
            for (int i = 0; i < n; i++)
            {
                float peak = 0;
                foreach (var c in channels) peak = Math.Max(peak, Math.Abs(c[i]));
                required[i] = peak > ceiling ? ceiling / peak : 1f;
            }

            int w = Math.Max(1, (int)Math.Round(lookaheadSeconds * sampleRate));
            // held[j] = min(required[j .. j+w-1]): a sliding minimum, scanning backwards with a monotonic queue.
            int head = 0, tail = 0;
            for (int j = n - 1; j >= 0; j--)
            {
                while (tail > head && required[window[tail - 1]] >= required[j]) tail--;
                window[tail++] = j;
                while (window[head] > j + w - 1) head++;
                held[j] = required[window[head]];
            }

            // Release: the gain climbs back towards 1 exponentially, but never above the held minimum.
            // (In double: in float, g + (1 − g)·k stalls short of 1 once (1 − g)·k drops below half an ulp.)
            double k = 1 - Math.Exp(-1.0 / (releaseSeconds * sampleRate));
            double g = held[0];
            for (int j = 0; j < n; j++)
            {
                g = Math.Min(held[j], g + (1 - g) * k);
                held[j] = (float)g;
            }

            // Moving average over the look-ahead window (trailing), reusing `required` for the smoothed gain.
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                sum += held[i];
                if (i >= w) sum -= held[i - w];
                required[i] = (float)(sum / Math.Min(i + 1, w));
            }

            foreach (var c in channels)
            {
                var span = c.AsSpan();
                TensorPrimitives.Multiply(span, required.AsSpan(0, n), span);
                // Rounding in the running sum can leave a hair above the ceiling; clamp that hair.
                TensorPrimitives.Clamp(span, -ceiling, ceiling, span);
            }
        }
        finally
        {
            pool.Return(required);
            pool.Return(held);
            ArrayPool<int>.Shared.Return(window);
        }
    }
}
