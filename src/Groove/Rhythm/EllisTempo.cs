using System.Numerics.Tensors;

namespace Groove.Rhythm;

/// <summary>
/// Global tempo by autocorrelation of an onset envelope, weighted by a Gaussian in log-tempo (Ellis 2007, "Beat
/// tracking by dynamic programming", J. New Music Research 36(1); his MIREX 2006 <c>tempo2</c>): the largest
/// weighted autocorrelation peak, then the strongest of 0.33, 0.5, 2 and 3 times that period as the second tempo.
/// </summary>
public static class EllisTempo
{
    /// <param name="onsetEnvelope">Onset strength per frame.</param>
    /// <param name="framesPerSecond">Frame rate of the envelope.</param>
    /// <param name="meanBpm">Centre of the tempo weighting (Ellis: 110 for MIREX, librosa: 120).</param>
    /// <param name="spreadOctaves">Standard deviation of the weighting in octaves (Ellis: 0.9).</param>
    /// <param name="maxLagSeconds">Longest period considered.</param>
    /// <returns>Both tempi, slower first; zeros when the envelope is too short or flat.</returns>
    public static TempoPair Estimate(ReadOnlySpan<float> onsetEnvelope, double framesPerSecond,
        double meanBpm = 110, double spreadOctaves = 0.9, double maxLagSeconds = 4.0)
    {
        if (!(framesPerSecond > 0)) throw new GrooveException($"frame rate must be positive (got {framesPerSecond})");
        int n = onsetEnvelope.Length;
        int acMax = (int)Math.Round(maxLagSeconds * framesPerSecond, MidpointRounding.AwayFromZero);
        if (n < 4 || acMax < 4) return default;
        acMax = Math.Min(acMax, n - 1);

        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = onsetEnvelope[i];
        var xcr = new double[acMax + 1];
        for (int lag = 0; lag <= acMax; lag++)
        {
            double bpm = 60 * framesPerSecond / (lag + 0.1);
            double z = Math.Log(bpm / meanBpm) / Math.Log(2) / spreadOctaves;
            xcr[lag] = TensorPrimitives.Dot(x.AsSpan(0, n - lag), x.AsSpan(lag)) * Math.Exp(-0.5 * z * z);
        }

        // Local maxima (never the first or last lag), ignoring those before the first dip below zero.
        var peakValue = new double[acMax + 1];
        int firstNegative = Array.FindIndex(xcr, v => v < 0);
        for (int i = 1; i < acMax; i++)
            if (xcr[i] > xcr[i - 1] && xcr[i] >= xcr[i + 1] && i > firstNegative) peakValue[i] = xcr[i];
        int startPd = TensorPrimitives.IndexOfMax<double>(peakValue);
        if (startPd == 0) return default;

        int startPd2 = -1;
        double best = double.NegativeInfinity;
        foreach (var f in (ReadOnlySpan<double>)[0.33, 0.5, 2, 3])
        {
            int c = (int)Math.Round(f * startPd, MidpointRounding.AwayFromZero);
            if (c < acMax && c > 0 && xcr[c] > best) { best = xcr[c]; startPd2 = c; }
        }
        if (startPd2 < 0) return new TempoPair(60 * framesPerSecond / startPd, 60 * framesPerSecond / startPd, 1);
        double ratio = xcr[startPd] / (xcr[startPd] + xcr[startPd2]);
        double t1 = 60 * framesPerSecond / startPd, t2 = 60 * framesPerSecond / startPd2;
        return t2 < t1 ? new TempoPair(t2, t1, 1 - ratio) : new TempoPair(t1, t2, ratio);
    }
}
