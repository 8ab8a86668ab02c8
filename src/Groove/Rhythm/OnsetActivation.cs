using System.Numerics.Tensors;

namespace Groove.Rhythm;

/// <summary>Turns an onset strength envelope into a beat activation in [0, 1] for the DBN.</summary>
internal static class OnsetActivation
{
    public static float[] FromOnsetStrength(ReadOnlySpan<float> onset, double fps, ClassicalBeatTrackerOptions o)
    {
        int n = onset.Length;
        var x = onset.ToArray();
        if (n == 0) return x;
        if (o.SmoothFrames > 1) x = Smooth(x, o.SmoothFrames);
        if (o.LocalMeanSeconds > 0)
        {
            int half = Math.Max(1, (int)Math.Round(o.LocalMeanSeconds * fps / 2));
            var mean = MovingAverage(x, half);
            for (int i = 0; i < n; i++) x[i] = Math.Max(0, x[i] - mean[i]);
        }
        float scale;
        if (o.NormalisationQuantile >= 1) scale = TensorPrimitives.Max<float>(x);
        else
        {
            var sorted = (float[])x.Clone();
            Array.Sort(sorted);
            scale = sorted[Math.Clamp((int)(o.NormalisationQuantile * (n - 1)), 0, n - 1)];
        }
        if (!(scale > 0)) return new float[n];
        float gain = (float)(o.ActivationGain / scale), top = (float)o.MaxActivation, floor = (float)o.MinActivation;
        for (int i = 0; i < n; i++) x[i] = Math.Clamp(x[i] * gain, floor, top);
        return x;
    }

    /// <summary>Centred moving average over ±<paramref name="half"/> frames (shrinking at the edges).</summary>
    internal static float[] MovingAverage(ReadOnlySpan<float> x, int half)
    {
        int n = x.Length;
        var prefix = new double[n + 1];
        for (int i = 0; i < n; i++) prefix[i + 1] = prefix[i] + x[i];
        var m = new float[n];
        for (int i = 0; i < n; i++)
        {
            int lo = Math.Max(0, i - half), hi = Math.Min(n, i + half + 1);
            m[i] = (float)((prefix[hi] - prefix[lo]) / (hi - lo));
        }
        return m;
    }

    /// <summary>Convolution with a normalised Hann window of <paramref name="width"/> frames (centred).</summary>
    internal static float[] Smooth(ReadOnlySpan<float> x, int width)
    {
        var w = new float[width];
        for (int i = 0; i < width; i++) w[i] = (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * (i + 1) / (width + 1)));
        float sum = TensorPrimitives.Sum<float>(w);
        int n = x.Length, half = width / 2;
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            float s = 0;
            for (int k = 0; k < width; k++)
            {
                int j = i + k - half;
                if (j >= 0 && j < n) s += x[j] * w[k];
            }
            y[i] = s / sum;
        }
        return y;
    }
}
