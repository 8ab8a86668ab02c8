using Groove.Dsp;

namespace Groove.Rhythm;

/// <summary>Copies rows <paramref name="from"/> to <paramref name="to"/> (exclusive) of a <c>[frames × bands]</c> log
/// spectrogram into <paramref name="destination"/>.</summary>
/// <param name="from">First frame.</param>
/// <param name="to">One past the last frame.</param>
/// <param name="destination">Receives (to − from) × bands values.</param>
internal delegate void SpectrumRows(int from, int to, Span<float> destination);

/// <summary>
/// Classical downbeat estimate for beats already found: for each meter (3 or 4 beats per bar) and phase, scores how
/// well the candidate bar lines coincide with (a) strong bass-band onsets and (b) harmonic change — the spectral
/// distance between the bar before and the bar after (Goto 2001, "An audio-based real-time beat tracking system
/// for music with or without drum-sounds"; Davies &amp; Plumbley 2006, "A spectral difference approach to downbeat
/// extraction in musical audio"); the best (meter, phase) labels the beats.
/// </summary>
internal static class DownbeatEstimator
{
    /// <summary>Standard errors by which the alternative phase's bar-level change must win to override the first decision.</summary>
    private const double BarSignificance = 0.5;

    /// <param name="times">Beat times in seconds.</param>
    /// <param name="envelope">The onset envelope the beats came from (sub-band flux and log spectrogram).</param>
    /// <param name="bassWeight">Weight of the bass-band onset strength at a candidate bar line.</param>
    /// <param name="changeWeight">Weight of the spectral change across it.</param>
    /// <param name="threePenalty">Score handicap of 3/4 against 4/4.</param>
    /// <param name="span">Beats on each side compared for the spectral change.</param>
    /// <param name="fluxWeight">Weight of the full-band onset strength (tried: it mostly marks backbeats).</param>
    /// <param name="bassBand">Which sub-band is the bass.</param>
    /// <param name="barSpan">In 4/4, beats on each side whose spectra decide between beat 1 and beat 3 (0: skip).</param>
    /// <param name="spectrum">Reads rows of the log spectrogram (null: <see cref="OnsetEnvelope.LogSpectrogram"/>; a
    /// long recording analysed in blocks keeps them on disk).</param>
    public static Beat[] Assign(IReadOnlyList<double> times, OnsetEnvelope envelope, double bassWeight = 1, double changeWeight = 1, double threePenalty = 0.05, int span = 2, double fluxWeight = 0, int bassBand = 0, int barSpan = 0,
        SpectrumRows? spectrum = null)
    {
        spectrum ??= (from, to, destination) => envelope.LogSpectrogram.AsSpan(from * envelope.Bands, (to - from) * envelope.Bands).CopyTo(destination);
        var rows = Array.Empty<float>();
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
            int count = 0, to = Math.Min(Math.Max(end, f + 1), frames);
            if (to > f)
            {
                if (rows.Length < (to - f) * bands) rows = new float[(to - f) * bands];
                spectrum(f, to, rows.AsSpan(0, (to - f) * bands));
            }
            for (int t = f; t < to; t++, count++)
                for (int b = 0; b < bands; b++) s[b] += rows[(t - f) * bands + b];
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
        // In 4/4 the cues above often cannot tell beat 1 from beat 3; the spectrum changes more between whole bars
        // than between half bars, so compare the bar before and the bar after each candidate.
        if (bestMeter == 4 && barSpan > 0)
        {
            var barChange = new double[n];
            for (int i = barSpan; i + barSpan <= n; i++)
            {
                double d = 0;
                for (int b = 0; b < bands; b++)
                {
                    double before = 0, after = 0;
                    for (int k = 1; k <= barSpan; k++) { before += spectra[i - k][b]; after += spectra[i + k - 1][b]; }
                    d += Math.Abs(after - before);
                }
                barChange[i] = d;
            }
            int other = (bestPhase + 2) % 4;
            // Only clear evidence overrides the first decision.
            var (mo, vo, no) = StatsAt(barChange, other, 4, barSpan);
            var (mb, vb, nb) = StatsAt(barChange, bestPhase, 4, barSpan);
            if (no > 1 && nb > 1 && mo - mb > Math.Max(BarSignificance * Math.Sqrt(vo / no + vb / nb), 0.05 * mb)) bestPhase = other;
        }
        var beats = new Beat[n];
        for (int i = 0; i < n; i++)
            beats[i] = new Beat(times[i], ((i - bestPhase) % bestMeter + bestMeter) % bestMeter + 1);
        return beats;
    }

    /// <summary>Mean, variance and count of x at indices ≡ phase (mod meter), away from the edges.</summary>
    private static (double Mean, double Variance, int Count) StatsAt(double[] x, int phase, int meter, int margin)
    {
        double s = 0, ss = 0;
        int c = 0;
        for (int i = phase; i < x.Length; i += meter)
            if (i >= margin && i + margin <= x.Length) { s += x[i]; ss += x[i] * x[i]; c++; }
        if (c == 0) return (0, 0, 0);
        double mean = s / c;
        return (mean, c > 1 ? Math.Max(0, (ss - c * mean * mean) / (c - 1)) : 0, c);
    }

    private static void Normalise(double[] x)
    {
        double max = 0;
        foreach (var v in x) max = Math.Max(max, v);
        if (max > 0) for (int i = 0; i < x.Length; i++) x[i] /= max;
    }
}
