using Groove.Dsp;

namespace Groove.Rhythm;

/// <summary>
/// Classical downbeat estimate for beats already found: for each meter (3 or 4 beats per bar) and phase, scores how
/// well the candidate bar lines coincide with (a) strong bass-band onsets and (b) harmonic change — the spectral
/// distance between the bar before and the bar after (Goto 2001, "An audio-based real-time beat tracking system
/// for music with or without drum-sounds"; Davies &amp; Plumbley 2006, "A spectral difference approach to downbeat
/// extraction in musical audio"); the best (meter, phase) labels the beats.
/// </summary>
internal static class DownbeatEstimator
{
    /// <param name="times">Beat times in seconds.</param>
    /// <param name="envelope">The onset envelope the beats came from (sub-band flux and log spectrogram).</param>
    /// <param name="bassWeight">Weight of the bass-band onset strength at a candidate bar line.</param>
    /// <param name="changeWeight">Weight of the spectral change across it.</param>
    /// <param name="threePenalty">Score handicap of 3/4 against 4/4.</param>
    /// <param name="span">Beats on each side compared for the spectral change.</param>
    /// <param name="fluxWeight">Weight of the full-band onset strength (tried: it mostly marks backbeats).</param>
    /// <param name="bassBand">Which sub-band is the bass.</param>
    public static Beat[] Assign(IReadOnlyList<double> times, OnsetEnvelope envelope, double bassWeight = 1, double changeWeight = 1, double threePenalty = 0.05, int span = 2, double fluxWeight = 0, int bassBand = 0)
    {
        int n = times.Count, frames = envelope.Frames, bands = envelope.Bands;
        double fps = envelope.FramesPerSecond;
        var frameOf = new int[n];
        for (int i = 0; i < n; i++) frameOf[i] = Math.Clamp((int)Math.Round(times[i] * fps), 0, Math.Max(0, frames - 1));

        // Per beat: bass onset strength near the beat, and the mean log spectrum over the beat's span.
        var bass = envelope.SubBands.Length > bassBand ? envelope.SubBands[bassBand] : envelope.Values;
        var fluxAt = new double[n];
        var bassAt = new double[n];
        var spectra = new double[n][];
        for (int i = 0; i < n; i++)
        {
            int f = frameOf[i];
            double m = 0;
            for (int d = -2; d <= 2; d++) if (f + d >= 0 && f + d < frames) m = Math.Max(m, bass[f + d]);
            bassAt[i] = m;
            double fm = 0;
            for (int d = -2; d <= 2; d++) if (f + d >= 0 && f + d < frames) fm = Math.Max(fm, envelope.Values[f + d]);
            fluxAt[i] = fm;
            int end = i + 1 < n ? frameOf[i + 1] : Math.Min(frames, f + (i > 0 ? f - frameOf[i - 1] : 1));
            var s = new double[bands];
            int count = 0;
            for (int t = f; t < Math.Max(end, f + 1) && t < frames; t++, count++)
                for (int b = 0; b < bands; b++) s[b] += envelope.LogSpectrogram[t * bands + b];
            if (count > 0) for (int b = 0; b < bands; b++) s[b] /= count;
            spectra[i] = s;
        }
        Normalise(bassAt);
        Normalise(fluxAt);

        // Harmonic change at beat i: distance between the spectra of beats [i−2, i) and [i, i+2).
        var change = new double[n];
        for (int i = span; i + span <= n; i++)
        {
            double d = 0;
            for (int b = 0; b < bands; b++)
            {
                double before = 0, after = 0;
                for (int k = 1; k <= span; k++) { before += spectra[i - k][b]; after += spectra[i + k - 1][b]; }
                d += Math.Max(0, after - before);
            }
            change[i] = d;
        }
        Normalise(change);

        int bestMeter = 4, bestPhase = 0;
        double bestScore = double.NegativeInfinity;
        foreach (int meter in (ReadOnlySpan<int>)[4, 3])
        {
            for (int phase = 0; phase < meter; phase++)
            {
                double on = 0, off = 0;
                int cOn = 0, cOff = 0;
                for (int i = 0; i < n; i++)
                {
                    double v = bassWeight * bassAt[i] + changeWeight * change[i] + fluxWeight * fluxAt[i];
                    if ((i - phase) % meter == 0) { on += v; cOn++; } else { off += v; cOff++; }
                }
                if (cOn == 0 || cOff == 0) continue;
                double score = on / cOn - off / cOff;
                if (meter == 3) score -= threePenalty; // most music is in 4
                if (score > bestScore) { bestScore = score; bestMeter = meter; bestPhase = phase; }
            }
        }
        var beats = new Beat[n];
        for (int i = 0; i < n; i++)
            beats[i] = new Beat(times[i], ((i - bestPhase) % bestMeter + bestMeter) % bestMeter + 1);
        return beats;
    }

    private static void Normalise(double[] x)
    {
        double max = 0;
        foreach (var v in x) max = Math.Max(max, v);
        if (max > 0) for (int i = 0; i < x.Length; i++) x[i] /= max;
    }
}
