using System.Numerics.Tensors;

namespace Groove.Rhythm;

/// <summary>Settings of <see cref="TempoEstimator"/>.</summary>
public sealed record TempoEstimatorOptions
{
    /// <summary>Centre of the log-normal tempo prior, in BPM.</summary>
    public double PriorBpm { get; init; } = 120;
    /// <summary>Standard deviation of the prior, in octaves.</summary>
    public double PriorOctaves { get; init; } = 1.0;
    public double MinBpm { get; init; } = 30;
    public double MaxBpm { get; init; } = 300;
    /// <summary>Length of the autocorrelation windows of the tempogram, in seconds.</summary>
    public double WindowSeconds { get; init; } = 8;
    /// <summary>Hop between tempogram windows (and the local tempo curve), in seconds.</summary>
    public double HopSeconds { get; init; } = 1;
    /// <summary>Weights of the comb: the autocorrelation at k × the period, k = 1, 2, ....</summary>
    public IReadOnlyList<double> Comb { get; init; } = [1.0, 0.5, 0.25];
}

/// <summary>A tempo estimate.</summary>
/// <param name="Bpm">The global tempo (0 when none could be found).</param>
/// <param name="Confidence">In [0, 1]: how much the chosen period stands out from the other candidates.</param>
/// <param name="Pair">The two most salient tempi, MIREX style.</param>
/// <param name="LocalBpm">Tempo per tempogram window (the local tempo curve), at <paramref name="LocalFramesPerSecond"/>.</param>
/// <param name="LocalFramesPerSecond">Rate of <paramref name="LocalBpm"/>.</param>
public sealed record TempoEstimate(double Bpm, double Confidence, TempoPair Pair, float[] LocalBpm, double LocalFramesPerSecond);

/// <summary>
/// Tempo from an onset strength envelope: a tempogram of windowed, normalised autocorrelations (as librosa's
/// <c>tempogram</c>; Grosche, Müller &amp; Kurth 2010), averaged, enhanced by a comb over multiples of each period
/// (resonance, as in Scheirer 1998 / Klapuri et al. 2006) and weighted by a log-normal prior around 120 BPM; the
/// second tempo is the strongest related period (½, ⅓, ⅔, 3/2, 2, 3 ×). Thread-safe (static).
/// </summary>
public static class TempoEstimator
{
    /// <param name="onsetEnvelope">Onset strength per frame.</param>
    /// <param name="framesPerSecond">Its frame rate.</param>
    /// <param name="options">Prior, range, windows.</param>
    /// <param name="knownBpm">A tempo found otherwise (e.g. from tracked beats): it becomes the main tempo, and only
    /// the second tempo and the strengths are estimated here.</param>
    public static TempoEstimate Estimate(ReadOnlySpan<float> onsetEnvelope, double framesPerSecond, TempoEstimatorOptions? options = null,
        double? knownBpm = null)
    {
        options ??= new TempoEstimatorOptions();
        if (!(framesPerSecond > 0)) throw new GrooveException($"frame rate must be positive (got {framesPerSecond})");
        int n = onsetEnvelope.Length;
        int maxLag = (int)Math.Ceiling(60 * framesPerSecond / options.MinBpm);
        int minLag = Math.Max(1, (int)Math.Floor(60 * framesPerSecond / options.MaxBpm));
        int win = Math.Max(2 * maxLag + 2, (int)Math.Round(options.WindowSeconds * framesPerSecond));
        int combMax = options.Comb.Count;
        int acLen = Math.Min(win, maxLag * combMax + 2);
        var empty = new TempoEstimate(0, 0, default, [], 1 / options.HopSeconds);
        if (n < 2 * minLag + 4) return empty;

        // Remove the slow trend so the autocorrelation measures periodicity, not loudness.
        var x = onsetEnvelope.ToArray();
        var trend = OnsetActivation.MovingAverage(x, Math.Max(1, (int)(framesPerSecond * 0.5)));
        for (int i = 0; i < n; i++) x[i] = Math.Max(0, x[i] - trend[i]);

        int hop = Math.Max(1, (int)Math.Round(options.HopSeconds * framesPerSecond));
        int windows = Math.Max(1, (n + hop - 1) / hop);
        var window = new float[win];
        for (int i = 0; i < win; i++) window[i] = (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * i / win));
        var frame = new float[win];
        var mean = new double[acLen];
        var local = new float[windows];
        var ac = new double[acLen];
        var weightedScratch = new double[acLen];
        var prior = new double[acLen];
        for (int l = 1; l < acLen; l++)
        {
            double z = Math.Log2(60 * framesPerSecond / l / options.PriorBpm) / options.PriorOctaves;
            prior[l] = Math.Exp(-0.5 * z * z);
        }
        for (int w = 0; w < windows; w++)
        {
            int centre = w * hop, start = centre - win / 2;
            for (int i = 0; i < win; i++)
            {
                int j = start + i;
                frame[i] = j >= 0 && j < n ? x[j] * window[i] : 0f;
            }
            for (int l = 0; l < acLen; l++) ac[l] = TensorPrimitives.Dot(frame.AsSpan(0, win - l), frame.AsSpan(l));
            if (!(ac[0] > 0)) { local[w] = 0; continue; }
            for (int l = 0; l < acLen; l++) { ac[l] /= ac[0]; mean[l] += ac[l]; }
            int best = BestLag(ac, minLag, maxLag, prior, options.Comb, weightedScratch);
            local[w] = best > 0 ? (float)(60 * framesPerSecond / best) : 0;
        }
        if (!(mean[0] > 0)) return empty;

        var score = new double[acLen];
        int bestLag = BestLag(mean, minLag, maxLag, prior, options.Comb, score);
        double period;
        if (knownBpm is > 0)
        {
            period = 60 * framesPerSecond / knownBpm.Value;
            bestLag = Math.Clamp((int)Math.Round(period), minLag, Math.Min(maxLag, acLen - 2));
        }
        else
        {
            if (bestLag <= 0) return empty;
            period = Refine(mean, bestLag);
        }
        double bpm = 60 * framesPerSecond / period;

        // Confidence: the winner's weighted score against the runner-up peak outside ±10 % of its period.
        double runnerUp = 0;
        for (int l = minLag + 1; l < Math.Min(maxLag, acLen - 1); l++)
            if (score[l] > score[l - 1] && score[l] >= score[l + 1] && Math.Abs(l - bestLag) > 0.1 * bestLag)
                runnerUp = Math.Max(runnerUp, score[l]);
        double confidence = score[bestLag] > 0 ? Math.Clamp(1 - runnerUp / score[bestLag], 0, 1) : 0;

        // Second tempo: the strongest (unweighted comb score) related period.
        double best2 = double.NegativeInfinity, period2 = 0;
        foreach (var ratio in (ReadOnlySpan<double>)[0.5, 2, 1.0 / 3, 3, 2.0 / 3, 1.5])
        {
            double p = period * ratio;
            int l = (int)Math.Round(p);
            if (l < minLag || l > maxLag) continue;
            int lo = Math.Max(minLag, l - 1), hi = Math.Min(maxLag, l + 1);
            for (int c = lo; c <= hi; c++)
            {
                double s = Comb(mean, c, options.Comb);
                if (s > best2) { best2 = s; period2 = Refine(mean, c); }
            }
        }
        TempoPair pair;
        double s1 = Math.Max(0, Comb(mean, bestLag, options.Comb));
        if (period2 > 0 && best2 > 0)
        {
            double bpm2 = 60 * framesPerSecond / period2;
            double w1 = s1 / (s1 + best2);
            pair = bpm2 < bpm ? new TempoPair(bpm2, bpm, 1 - w1) : new TempoPair(bpm, bpm2, w1);
        }
        else pair = new TempoPair(bpm, bpm, 1);
        return new TempoEstimate(bpm, confidence, pair, local, framesPerSecond / hop);
    }

    private static double Comb(double[] ac, int lag, IReadOnlyList<double> comb)
    {
        double s = 0;
        for (int k = 1; k <= comb.Count; k++)
        {
            int l = k * lag;
            if (l >= ac.Length) break;
            // The best value within ±(k−1) lags tolerates slight tempo drift at the higher multiples.
            double m = ac[l];
            for (int d = 1; d < k; d++)
            {
                if (l - d > 0) m = Math.Max(m, ac[l - d]);
                if (l + d < ac.Length) m = Math.Max(m, ac[l + d]);
            }
            s += comb[k - 1] * m;
        }
        return s;
    }

    private static int BestLag(double[] ac, int minLag, int maxLag, double[] prior, IReadOnlyList<double> comb, double[] score)
    {
        int best = -1;
        double bestScore = double.NegativeInfinity;
        int hi = Math.Min(maxLag, ac.Length - 1);
        Array.Clear(score);
        for (int l = minLag; l <= hi; l++)
        {
            score[l] = Comb(ac, l, comb) * prior[l];
            if (score[l] > bestScore) { bestScore = score[l]; best = l; }
        }
        return bestScore > 0 ? best : -1;
    }

    /// <summary>Parabolic interpolation of the autocorrelation peak near <paramref name="lag"/>.</summary>
    private static double Refine(double[] ac, int lag)
    {
        if (lag <= 0 || lag >= ac.Length - 1) return lag;
        double a = ac[lag - 1], b = ac[lag], c = ac[lag + 1];
        double denom = a - 2 * b + c;
        if (!(denom < 0)) return lag;
        double offset = 0.5 * (a - c) / denom;
        return lag + Math.Clamp(offset, -0.5, 0.5);
    }
}
