namespace Groove.Rhythm;

/// <summary>Settings of <see cref="EllisBeatDecoder"/> (librosa's <c>beat_track</c> names and defaults).</summary>
public sealed record EllisBeatOptions
{
    /// <summary>How strongly beats keep to the tempo (Ellis' α; librosa: 100, Ellis' own code: 400).</summary>
    public double Tightness { get; init; } = 100;
    /// <summary>Centre of the tempo prior used when <see cref="Bpm"/> is not given.</summary>
    public double StartBpm { get; init; } = 120;
    /// <summary>Spread of the tempo prior in octaves.</summary>
    public double StartBpmSpreadOctaves { get; init; } = 1.0;
    /// <summary>Fixed tempo; null estimates it with <see cref="EllisTempo"/>.</summary>
    public double? Bpm { get; init; }
    /// <summary>Drop weak beats at the start and end.</summary>
    public bool Trim { get; init; } = true;
}

/// <summary>
/// Beat tracking by dynamic programming (Ellis 2007, "Beat tracking by dynamic programming", JNMR 36(1)), as
/// librosa's <c>beat_track</c>: the onset envelope, normalised and smoothed by a Gaussian of the beat period, is
/// scored cumulatively with a penalty −α·log²(Δ/period) on each inter-beat interval Δ; beats are read back from the
/// best end point, and weak leading and trailing beats are trimmed.
/// </summary>
public static class EllisBeatDecoder
{
    /// <summary>Beat frames (indices into <paramref name="onsetEnvelope"/>), in time order.</summary>
    public static int[] DecodeFrames(ReadOnlySpan<float> onsetEnvelope, double framesPerSecond, EllisBeatOptions? options = null)
    {
        options ??= new EllisBeatOptions();
        if (!(options.Tightness > 0)) throw new GrooveException($"tightness must be positive (got {options.Tightness})");
        int n = onsetEnvelope.Length;
        bool any = false;
        foreach (var v in onsetEnvelope)
        {
            if (!float.IsFinite(v)) throw new GrooveException("onset envelope contains NaN or infinity");
            any |= v != 0;
        }
        if (n == 0 || !any) return [];
        double bpm = options.Bpm ?? EllisTempo.Estimate(onsetEnvelope, framesPerSecond, options.StartBpm, options.StartBpmSpreadOctaves).Dominant;
        if (!(bpm > 0)) return [];
        int period = (int)Math.Round(60.0 * framesPerSecond / bpm);
        if (period < 1) throw new GrooveException($"tempo {bpm:F1} BPM is too fast for {framesPerSecond:G4} frames per second");

        // Normalise by the standard deviation (ddof = 1), then smooth with a Gaussian of ±period/32 frames.
        double mean = 0;
        for (int i = 0; i < n; i++) mean += onsetEnvelope[i];
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) { double d = onsetEnvelope[i] - mean; var += d * d; }
        double std = n > 1 ? Math.Sqrt(var / (n - 1)) : 0;
        double scale = std > 0 ? 1 / std : 1;
        var kernel = new double[2 * period + 1];
        for (int k = -period; k <= period; k++) { double z = k * 32.0 / period; kernel[k + period] = Math.Exp(-0.5 * z * z); }
        var local = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            int lo = Math.Max(0, i - period), hi = Math.Min(n - 1, i + period);
            for (int j = lo; j <= hi; j++) s += onsetEnvelope[j] * scale * kernel[i - j + period];
            local[i] = s;
        }

        // Dynamic programme over predecessors between 2 periods and half a period back.
        int offLo = -2 * period, offHi = -(int)Math.Round(period / 2.0);
        int width = offHi - offLo + 1;
        var penalty = new double[width];
        for (int w = 0; w < width; w++) { double l = Math.Log(-(double)(offLo + w) / period); penalty[w] = -options.Tightness * l * l; }
        var cum = new double[n];
        var back = new int[n];
        double localMax = double.NegativeInfinity;
        foreach (var v in local) localMax = Math.Max(localMax, v);
        bool firstBeat = true;
        for (int i = 0; i < n; i++)
        {
            // Predecessors before frame 0 score their penalty alone.
            int best = 0;
            double bestScore = double.NegativeInfinity;
            for (int w = 0; w < width; w++)
            {
                int j = i + offLo + w;
                double s = penalty[w] + (j >= 0 ? cum[j] : 0);
                if (s > bestScore) { bestScore = s; best = w; }
            }
            cum[i] = local[i] + bestScore;
            if (firstBeat && local[i] < 0.01 * localMax) back[i] = -1;
            else { back[i] = i + offLo + best; firstBeat = false; }
        }

        // The last beat: the last local maximum of the cumulative score above half the median of those maxima.
        var maxima = new List<double>();
        for (int i = 0; i < n; i++) if (IsLocalMax(cum, i)) maxima.Add(cum[i]);
        if (maxima.Count == 0) return [];
        maxima.Sort();
        int m = maxima.Count;
        double median = m % 2 == 1 ? maxima[m / 2] : 0.5 * (maxima[m / 2 - 1] + maxima[m / 2]);
        int last = -1;
        for (int i = n - 1; i >= 0; i--)
            if ((IsLocalMax(cum, i) ? cum[i] * 2 : 0) > median) { last = i; break; }
        if (last < 0) return [];

        var beats = new List<int> { last };
        while (back[beats[^1]] >= 0) beats.Add(back[beats[^1]]);
        beats.Reverse();
        return Trim(local, beats, options.Trim);
    }

    /// <summary>Beat times in seconds (frame index / frame rate).</summary>
    public static double[] Decode(ReadOnlySpan<float> onsetEnvelope, double framesPerSecond, EllisBeatOptions? options = null) =>
        Array.ConvertAll(DecodeFrames(onsetEnvelope, framesPerSecond, options), f => f / framesPerSecond);

    private static bool IsLocalMax(double[] x, int i) =>
        x[i] > (i > 0 ? x[i - 1] : x[i]) && x[i] >= (i < x.Length - 1 ? x[i + 1] : x[i]);

    /// <summary>
    /// Drops beats whose Hann-smoothed local score is at most half its RMS, from the start and the end. As in
    /// librosa (and Ellis' reference output), the last beat above the threshold is dropped too.
    /// </summary>
    private static int[] Trim(double[] local, List<int> beats, bool trim)
    {
        int m = beats.Count;
        var smooth = new double[m];
        for (int i = 0; i < m; i++)
            smooth[i] = local[beats[i]] + 0.5 * ((i > 0 ? local[beats[i - 1]] : 0) + (i < m - 1 ? local[beats[i + 1]] : 0));
        double threshold = 0;
        if (trim)
        {
            double ss = 0;
            foreach (var v in smooth) ss += v * v;
            threshold = 0.5 * Math.Sqrt(ss / m);
        }
        int lo = Array.FindIndex(smooth, v => v > threshold), hi = Array.FindLastIndex(smooth, v => v > threshold);
        if (lo < 0) return [];
        return beats.GetRange(lo, hi - lo).ToArray();
    }
}
