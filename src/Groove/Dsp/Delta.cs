namespace Groove.Dsp;

/// <summary>How <see cref="Delta"/> treats the first and last width/2 frames (scipy.signal.savgol_filter modes).</summary>
public enum DeltaMode
{
    /// <summary>Fit a line to the first (last) <c>width</c> frames and use its slope (librosa's default).</summary>
    Interp,
    /// <summary>Repeat the edge frame.</summary>
    Nearest,
    /// <summary>Reflect about the edge frame (d c b | a b c d).</summary>
    Mirror,
    /// <summary>Zeros beyond the edges.</summary>
    Constant,
    /// <summary>Wrap around.</summary>
    Wrap,
}

/// <summary>
/// First-order delta features along time, as <c>librosa.feature.delta(data, width, order=1)</c>: a Savitzky–Golay
/// first-derivative filter of polynomial order 1, i.e. the least-squares slope
/// d[t] = Σ_{j=−h..h} j·x[t+j] / Σ j², h = width/2 (Savitzky &amp; Golay, Anal. Chem. 36(8), 1964).
/// Features are frame-major <c>[frames × features]</c>; the delta has the same layout.
/// </summary>
public static class Delta
{
    public static float[] Compute(ReadOnlySpan<float> features, int featureCount, int width = 9, DeltaMode mode = DeltaMode.Interp)
    {
        if (featureCount < 1) throw new ArgumentOutOfRangeException(nameof(featureCount));
        if (features.Length % featureCount != 0) throw new ArgumentException("Feature length is not a multiple of the feature count.", nameof(features));
        if (width < 3 || width % 2 == 0) throw new ArgumentOutOfRangeException(nameof(width), "width must be an odd integer ≥ 3.");
        int frames = features.Length / featureCount, h = width / 2;
        if (mode == DeltaMode.Interp && width > frames)
            throw new ArgumentException($"With interp mode, width ({width}) cannot exceed the number of frames ({frames}).", nameof(width));
        var output = new float[features.Length];
        double norm = 0;
        for (int j = 1; j <= h; j++) norm += 2.0 * j * j;
        var acc = new double[featureCount];
        for (int t = 0; t < frames; t++)
        {
            int centre = t;
            if (mode == DeltaMode.Interp) centre = Math.Clamp(t, h, frames - 1 - h);
            Array.Clear(acc);
            for (int j = -h; j <= h; j++)
            {
                if (j == 0) continue;
                int src = Source(centre + j, frames, mode);
                if (src < 0) continue;
                var row = features.Slice(src * featureCount, featureCount);
                for (int f = 0; f < featureCount; f++) acc[f] += j * (double)row[f];
            }
            var dst = output.AsSpan(t * featureCount, featureCount);
            for (int f = 0; f < featureCount; f++) dst[f] = (float)(acc[f] / norm);
        }
        return output;
    }

    /// <summary>The frame that stands at index <paramref name="i"/> (−1: a zero frame).</summary>
    private static int Source(int i, int n, DeltaMode mode)
    {
        if (i >= 0 && i < n) return i;
        switch (mode)
        {
            case DeltaMode.Nearest: return i < 0 ? 0 : n - 1;
            case DeltaMode.Constant: return -1;
            case DeltaMode.Wrap: return ((i % n) + n) % n;
            case DeltaMode.Mirror:
                if (n == 1) return 0;
                int period = 2 * (n - 1);
                int r = ((i % period) + period) % period;
                return r < n ? r : period - r;
            default: return Math.Clamp(i, 0, n - 1);
        }
    }
}
