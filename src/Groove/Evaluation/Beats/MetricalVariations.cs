namespace Groove.Evaluation.Beats;

/// <summary>
/// Reference beat sequences at other metrical levels, against which the "any metrical level" scores (AMLc/AMLt,
/// Cemgil's best level) are taken. Davies, Degara and Plumbley, "Evaluation methods for musical audio beat tracking
/// algorithms", QMUL tech. report C4DM-TR-09-06, 2009, section 3.
/// </summary>
internal static class MetricalVariations
{
    /// <summary>
    /// mir_eval's five sequences, in mir_eval's order: the reference itself, the off-beat (midpoints between
    /// consecutive beats), double tempo (beats and midpoints), half tempo on the odd beats (1st, 3rd, ...) and half
    /// tempo on the even beats (2nd, 4th, ...).
    /// </summary>
    public static double[][] MirEval(double[] reference)
    {
        var doubled = Subdivide(reference, 2);
        return [reference, TakeEvery(doubled, 1, 2), doubled, TakeEvery(reference, 0, 2), TakeEvery(reference, 1, 2)];
    }

    /// <summary>
    /// madmom's sequences (madmom.evaluation.beats.variations), used only for AMLc/AMLt: the off-beat when
    /// <paramref name="offbeat"/>; double and half (odd, even) when <paramref name="doubleAndHalf"/>; triple and the
    /// three third-tempo phases when <paramref name="tripleAndThird"/>.
    /// </summary>
    public static List<double[]> Madmom(double[] reference, bool offbeat, bool doubleAndHalf, bool tripleAndThird)
    {
        var result = new List<double[]>();
        if (offbeat || doubleAndHalf)
        {
            var doubled = Subdivide(reference, 2);
            if (offbeat) result.Add(TakeEvery(doubled, 1, 2));
            if (doubleAndHalf) result.Add(doubled);
        }
        if (doubleAndHalf)
        {
            result.Add(TakeEvery(reference, 0, 2));
            result.Add(TakeEvery(reference, 1, 2));
        }
        if (tripleAndThird)
        {
            result.Add(Subdivide(reference, 3));
            result.Add(TakeEvery(reference, 0, 3));
            result.Add(TakeEvery(reference, 1, 3));
            result.Add(TakeEvery(reference, 2, 3));
        }
        return result;
    }

    /// <summary>
    /// The sequence with <paramref name="parts"/> − 1 beats linearly interpolated into each interval: the beat
    /// "index" axis is sampled at 0, 1/parts, 2/parts, … up to the last beat, as numpy.interp does it
    /// (value = slope · (x − j) + y[j] on the interval j ≤ x &lt; j + 1).
    /// </summary>
    public static double[] Subdivide(double[] beats, int parts)
    {
        if (beats.Length == 0) return [];
        int n = (beats.Length - 1) * parts + 1;
        var result = new double[n];
        double step = parts == 2 ? 0.5 : 1.0 / parts;
        int last = beats.Length - 1;
        for (int k = 0; k < n; k++)
        {
            double x = k * step;
            if (x >= last) { result[k] = beats[last]; continue; }
            int j = (int)Math.Floor(x);
            double slope = beats[j + 1] - beats[j];
            result[k] = slope * (x - j) + beats[j];
        }
        return result;
    }

    public static double[] TakeEvery(double[] source, int start, int stride)
    {
        if (start >= source.Length) return [];
        var result = new double[(source.Length - start + stride - 1) / stride];
        for (int i = 0; i < result.Length; i++) result[i] = source[start + i * stride];
        return result;
    }
}
