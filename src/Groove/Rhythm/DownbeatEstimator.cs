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
    public static Beat[] Assign(IReadOnlyList<double> times, OnsetEnvelope envelope)
    {
        int n = times.Count, frames = envelope.Frames, bands = envelope.Bands;
        double fps = envelope.FramesPerSecond;
        var frameOf = new int[n];
        for (int i = 0; i < n; i++) frameOf[i] = Math.Clamp((int)Math.Round(times[i] * fps), 0, Math.Max(0, frames - 1));

        // Per beat: bass onset strength near the beat, and the mean log spectrum over the beat's span.
        var bass = envelope.SubBands.Length > 0 ? envelope.SubBands[0] : envelope.Values;
        var bassAt = new double[n];
        var spectra = new double[n][];
        for (int i = 0; i < n; i++)
        {
            int f = frameOf[i];
            double m = 0;
            for (int d = -2; d <= 2; d++) if (f + d >= 0 && f + d < frames) m = Math.Max(m, bass[f + d]);
            bassAt[i] = m;
            int end = i + 1 < n ? frameOf[i + 1] : Math.Min(frames, f + (i > 0 ? f - frameOf[i - 1] : 1));
            var s = new double[bands];
            int count = 0;
            for (int t = f; t < Math.Max(end, f + 1) && t < frames; t++, count++)
                for (int b = 0; b < bands; b++) s[b] += envelope.LogSpectrogram[t * bands + b];
            if (count > 0) for (int b = 0; b < bands; b++) s[b] /= count;
            spectra[i] = s;
        }
        Normalise(bassAt);

        // Harmonic change at beat i: distance between the spectra of beats [i−2, i) and [i, i+2).
        var change = new double[n];
        for (int i = 2; i < n - 1; i++)
        {
            double d = 0;
            for (int b = 0; b < bands; b++)
            {
                double before = spectra[i - 2][b] + spectra[i - 1][b], after = spectra[i][b] + spectra[i + 1][b];
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
                    double v = bassAt[i] + change[i];
                    if ((i - phase) % meter == 0) { on += v; cOn++; } else { off += v; cOff++; }
                }
                if (cOn == 0 || cOff == 0) continue;
                double score = on / cOn - off / cOff;
                if (meter == 3) score -= 0.05; // most music is in 4
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
