namespace Groove.Evaluation.Beats;

/// <summary>
/// Beat-tracking metrics with mir_eval's definitions (mir_eval.beat, C. Raffel et al., "mir_eval: a transparent
/// implementation of common MIR metrics", ISMIR 2014), which follow Davies, Degara and Plumbley, "Evaluation methods
/// for musical audio beat tracking algorithms", QMUL tech. report C4DM-TR-09-06, 2009. Each method reproduces
/// mir_eval 0.7's result, including its edge cases, so scores can be compared with published ones.
/// Beat times are in seconds and must be sorted (ascending); no trimming is done here (see <see cref="Trim"/>).
/// </summary>
public static class MirEvalBeatMetrics
{
    /// <summary>Beats at or after <paramref name="minBeatTime"/> seconds (mir_eval.beat.trim_beats; 5 s by convention).</summary>
    public static double[] Trim(ReadOnlySpan<double> beats, double minBeatTime = 5.0)
    {
        var kept = new List<double>(beats.Length);
        foreach (var b in beats) if (b >= minBeatTime) kept.Add(b);
        return kept.ToArray();
    }

    /// <summary>
    /// F-measure of beats matched one-to-one within ±<paramref name="window"/> s, with the matching that pairs the
    /// most beats (maximum bipartite matching; see <see cref="EventMatching"/>). 0 when either sequence is empty.
    /// </summary>
    public static double FMeasure(ReadOnlySpan<double> reference, ReadOnlySpan<double> estimate, double window = 0.07)
    {
        if (reference.IsEmpty || estimate.IsEmpty) return 0;
        int matched = EventMatching.CountMatches(reference, estimate, window);
        double precision = (double)matched / estimate.Length;
        double recall = (double)matched / reference.Length;
        return FScore(precision, recall);
    }

    internal static double FScore(double precision, double recall) =>
        precision == 0 && recall == 0 ? 0 : 2 * precision * recall / (precision + recall);

    /// <summary>
    /// Cemgil's accuracy (A. T. Cemgil et al., "On tempo tracking: tempogram representation and Kalman filtering",
    /// JNMR 29(4), 2000): for each reference beat a Gaussian (σ = <paramref name="sigma"/>) of its distance to the
    /// nearest estimate, summed and divided by the mean of the two sequence lengths. Returns the score at the
    /// annotated level and the best over mir_eval's metrical variations.
    /// </summary>
    public static (double Score, double BestMetricLevel) Cemgil(ReadOnlySpan<double> reference, ReadOnlySpan<double> estimate, double sigma = 0.04)
    {
        if (reference.IsEmpty || estimate.IsEmpty) return (0, 0);
        var est = estimate.ToArray();
        double first = 0, best = double.NegativeInfinity;
        var variations = MetricalVariations.MirEval(reference.ToArray());
        for (int k = 0; k < variations.Length; k++)
        {
            var refs = variations[k];
            double sum = 0;
            foreach (var beat in refs)
            {
                double d = Math.Abs(beat - est[EventMatching.Nearest(est, beat)]);
                sum += Math.Exp(-(d * d) / (2.0 * sigma * sigma));
            }
            double accuracy = sum / (0.5 * (est.Length + refs.Length));
            if (k == 0) first = accuracy;
            best = Math.Max(best, accuracy);
        }
        return (first, best);
    }

    /// <summary>
    /// Goto and Muraoka's binary score (M. Goto and Y. Muraoka, "Issues in evaluating beat tracking systems",
    /// IJCAI-97 workshop), as mir_eval implements it: each inner reference beat is paired when exactly one estimate
    /// lies between the midpoints to its neighbours, its error being the offset relative to half the interval on that
    /// side; the score is 1 when a run of correct beats (|error| ≤ <paramref name="threshold"/>) covers more than a
    /// quarter of the beats and its errors have mean |e| &lt; <paramref name="mu"/> and standard deviation &lt;
    /// <paramref name="sigma"/>. mir_eval's choice of which errors form "the run" is kept as is.
    /// </summary>
    public static double Goto(ReadOnlySpan<double> reference, ReadOnlySpan<double> estimate,
        double threshold = 0.35, double mu = 0.2, double sigma = 0.2)
    {
        if (reference.IsEmpty || estimate.IsEmpty) return 0;
        int n = reference.Length;
        var beatError = new double[n];
        Array.Fill(beatError, 1.0);
        for (int i = 1; i < n - 1; i++)
        {
            double previousInterval = 0.5 * (reference[i] - reference[i - 1]);
            double windowMin = reference[i] - previousInterval;
            double nextInterval = 0.5 * (reference[i + 1] - reference[i]);
            double windowMax = reference[i] + nextInterval;
            int count = 0;
            double inWindow = 0;
            foreach (var e in estimate)
                if (e >= windowMin && e < windowMax) { count++; inWindow = e; }
            if (count != 1) continue;
            double offset = inWindow - reference[i];
            beatError[i] = offset < 0 ? offset / previousInterval : offset / nextInterval;
        }

        var incorrect = new List<int>();
        for (int i = 0; i < n; i++) if (Math.Abs(beatError[i]) > threshold) incorrect.Add(i);

        if (incorrect.Count == 0) return 0; // only possible with threshold ≥ 1, where mir_eval itself fails
        ReadOnlySpan<double> track;
        if (incorrect.Count < 3)
        {
            // mir_eval takes beat_error[first + 1 : last - 1] (Python slice), which drops the last correct beat.
            int start = incorrect[0] + 1, stop = incorrect[^1] - 1;
            track = PythonSlice(beatError, start, stop);
        }
        else
        {
            int longest = 0, at = 0;
            for (int k = 0; k + 1 < incorrect.Count; k++)
            {
                int gap = incorrect[k + 1] - incorrect[k];
                if (gap > longest) { longest = gap; at = k; }
            }
            if (!(longest - 1 > 0.25 * (n - 2))) return 0;
            // The run includes the two incorrect beats that bound it (mir_eval: beat_error[start:end + 1]).
            track = beatError.AsSpan(incorrect[at], incorrect[at + 1] - incorrect[at] + 1);
        }
        if (track.Length == 0) return 0; // numpy's mean of nothing is NaN, and NaN < mu is false
        double meanAbs = 0;
        foreach (var e in track) meanAbs += Math.Abs(e);
        meanAbs /= track.Length;
        double std = SampleStandardDeviation(track);
        return meanAbs < mu && std < sigma ? 1.0 : 0.0;
    }

    /// <summary>Python's <c>a[start:stop]</c> for start, stop that may be negative (counted from the end).</summary>
    private static ReadOnlySpan<double> PythonSlice(double[] a, int start, int stop)
    {
        if (start < 0) start = Math.Max(0, a.Length + start);
        if (stop < 0) stop = Math.Max(0, a.Length + stop);
        start = Math.Min(start, a.Length);
        stop = Math.Min(stop, a.Length);
        return stop > start ? a.AsSpan(start, stop - start) : ReadOnlySpan<double>.Empty;
    }

    /// <summary>Standard deviation with n − 1 in the denominator; NaN for fewer than two values (numpy, ddof=1).</summary>
    private static double SampleStandardDeviation(ReadOnlySpan<double> x)
    {
        if (x.Length < 2) return double.NaN;
        double mean = 0;
        foreach (var v in x) mean += v;
        mean /= x.Length;
        double ss = 0;
        foreach (var v in x) ss += (v - mean) * (v - mean);
        return Math.Sqrt(ss / (x.Length - 1));
    }

    /// <summary>
    /// McKinney's P-score (M. F. McKinney et al., "Evaluation of audio beat tracking and music tempo extraction
    /// algorithms", JNMR 36(1), 2007): both sequences are quantised to 10 ms impulse trains, and their
    /// cross-correlation is summed over lags within ±<paramref name="threshold"/> × the median reference interval,
    /// then divided by the longer sequence's length. 0 when either sequence has fewer than two beats.
    /// </summary>
    public static double PScore(ReadOnlySpan<double> reference, ReadOnlySpan<double> estimate, double threshold = 0.2)
    {
        if (reference.Length <= 1 || estimate.Length <= 1) return 0;
        const int samplingRate = 100;
        double offset = Math.Min(Min(estimate), Min(reference));
        var refIdx = QuantisedIndices(reference, offset, samplingRate);
        var estIdx = QuantisedIndices(estimate, offset, samplingRate);

        // Window = round(threshold · median interval between the reference impulses), rounding half to even as numpy.
        var intervals = new double[refIdx.Length - 1];
        for (int i = 1; i < refIdx.Length; i++) intervals[i - 1] = refIdx[i] - refIdx[i - 1];
        int window = intervals.Length == 0 ? 0 : (int)Math.Round(threshold * Median(intervals), MidpointRounding.ToEven);

        // The correlation summed over lags |k| ≤ window counts the impulse pairs at most `window` samples apart.
        long pairs = 0;
        int lo = 0, hi = 0;
        foreach (int e in estIdx)
        {
            while (lo < refIdx.Length && refIdx[lo] < e - window) lo++;
            while (hi < refIdx.Length && refIdx[hi] <= e + window) hi++;
            pairs += hi - lo;
        }
        return pairs / (double)Math.Max(estimate.Length, reference.Length);
    }

    /// <summary>Distinct sorted sample indices ceil((t − offset) · rate) of an impulse train.</summary>
    private static int[] QuantisedIndices(ReadOnlySpan<double> beats, double offset, int rate)
    {
        var set = new SortedSet<int>();
        foreach (var b in beats) set.Add((int)Math.Ceiling((b - offset) * rate));
        return [.. set];
    }

    private static double Min(ReadOnlySpan<double> x)
    {
        double m = double.PositiveInfinity;
        foreach (var v in x) m = Math.Min(m, v);
        return m;
    }

    internal static double Median(double[] values)
    {
        var s = (double[])values.Clone();
        Array.Sort(s);
        int n = s.Length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /// <summary>
    /// Continuity-based accuracies (S. Hainsworth, PhD thesis, Cambridge, 2004; A. Klapuri et al., "Analysis of the
    /// meter of acoustic musical signals", IEEE TASLP 14(1), 2006) as mir_eval computes them. An estimate is correct
    /// when its nearest unused reference beat is within <paramref name="phaseThreshold"/> of the reference interval
    /// and its own interval is within <paramref name="periodThreshold"/> of that interval. CMLc is the longest run
    /// of correct beats, CMLt all correct beats, each divided by the longer sequence's length; AMLc and AMLt are the
    /// best of these over mir_eval's metrical variations (off-beat, double, two half-tempo phases).
    /// </summary>
    public static ContinuityScores Continuity(ReadOnlySpan<double> reference, ReadOnlySpan<double> estimate,
        double phaseThreshold = 0.175, double periodThreshold = 0.175)
    {
        if (reference.Length <= 1 || estimate.Length <= 1) return new ContinuityScores(0, 0, 0, 0);
        var est = estimate.ToArray();
        var variations = MetricalVariations.MirEval(reference.ToArray());
        double cmlc = 0, cmlt = 0, amlc = double.NegativeInfinity, amlt = double.NegativeInfinity;
        for (int k = 0; k < variations.Length; k++)
        {
            var (continuous, total) = ContinuityAtLevel(variations[k], est, phaseThreshold, periodThreshold);
            if (k == 0) { cmlc = continuous; cmlt = total; }
            amlc = Math.Max(amlc, continuous);
            amlt = Math.Max(amlt, total);
        }
        return new ContinuityScores(cmlc, cmlt, amlc, amlt);
    }

    private static (double Continuous, double Total) ContinuityAtLevel(double[] refs, double[] est, double phaseThreshold, double periodThreshold)
    {
        int length = Math.Max(refs.Length, est.Length);
        var used = new bool[refs.Length];
        var success = new bool[est.Length];
        for (int m = 0; m < est.Length; m++)
        {
            int nearest = EventMatching.Nearest(refs, est[m]);
            double minDifference = Math.Abs(est[m] - refs[nearest]);
            if (used[nearest]) continue;
            double phase, period;
            if (m == 0 || nearest == 0)
            {
                // At the start, look forward (or back when there is no next beat). With a single reference beat,
                // mir_eval's ref[nearest - 1] wraps around to the beat itself, so the interval is 0.
                double refInterval = nearest + 1 < refs.Length ? refs[nearest + 1] - refs[nearest]
                    : refs.Length > 1 ? refs[nearest] - refs[nearest - 1] : 0.0;
                double estInterval = m + 1 < est.Length ? est[m + 1] - est[m] : est[m] - est[m - 1];
                if (refInterval == 0)
                {
                    phase = minDifference == 0 ? 1 : double.PositiveInfinity;
                    period = estInterval == 0 ? 0 : double.PositiveInfinity;
                }
                else
                {
                    phase = Math.Abs(minDifference / refInterval);
                    period = Math.Abs(1 - estInterval / refInterval);
                }
            }
            else
            {
                double refInterval = refs[nearest] - refs[nearest - 1];
                double estInterval = est[m] - est[m - 1];
                phase = Math.Abs(minDifference / refInterval);
                period = Math.Abs(1 - estInterval / refInterval);
            }
            if (phase < phaseThreshold && period < periodThreshold)
            {
                used[nearest] = true;
                success[m] = true;
            }
        }
        int longest = 0, run = 0, correct = 0;
        foreach (var s in success)
        {
            if (s) { run++; correct++; longest = Math.Max(longest, run); }
            else run = 0;
        }
        return (longest / (double)length, correct / (double)length);
    }

    /// <summary>
    /// Information gain (M. E. P. Davies, N. Degara and M. D. Plumbley, "Measuring the performance of beat tracking
    /// algorithms using a beat error histogram", IEEE SPL 18(3), 2011) with mir_eval's normalisation: the beat errors
    /// relative to the reference intervals are binned into <paramref name="bins"/> uniform bins over [−0.5, 0.5];
    /// the larger of the forward and backward histogram entropies H gives (log2(bins) − H) / log2(bins), in [0, 1].
    /// 0 when either sequence has fewer than two beats.
    /// </summary>
    public static double InformationGain(ReadOnlySpan<double> reference, ReadOnlySpan<double> estimate, int bins = 41)
    {
        if (reference.Length <= 1 || estimate.Length <= 1) return 0;
        double forward = ErrorEntropy(reference, estimate, bins);
        double backward = ErrorEntropy(estimate, reference, bins);
        double norm = Math.Log2(bins);
        return (norm - (forward > backward ? forward : backward)) / norm;
    }

    private static double ErrorEntropy(ReadOnlySpan<double> reference, ReadOnlySpan<double> estimate, int bins)
    {
        int n = reference.Length;
        var edges = new double[bins + 1];
        double step = 1.0 / bins;
        for (int i = 0; i < bins; i++) edges[i] = i * step + -0.5;
        edges[bins] = 0.5;
        var counts = new double[bins];
        foreach (var e in estimate)
        {
            int closest = EventMatching.Nearest(reference, e);
            double error = e - reference[closest];
            double interval;
            // mir_eval's branches, including its quirk: an estimate before the first reference beat is measured
            // against half the span from the last beat to the first (ref[-1] wraps around), a negative interval.
            if (closest == n - 1) interval = 0.5 * (reference[n - 1] - reference[n - 2]);
            else if (error < 0) interval = 0.5 * (reference[closest] - reference[closest == 0 ? n - 1 : closest - 1]);
            else interval = 0.5 * (reference[closest + 1] - reference[closest]);
            double beatError = 0.5 * error / interval;
            double wrapped = NumpyModMinusOne(beatError + 0.5) + 0.5;
            if (double.IsNaN(wrapped) || wrapped < -0.5 || wrapped > 0.5) continue;
            counts[HistogramBin(edges, wrapped)]++;
        }
        double total = 0;
        foreach (var c in counts) total += c;
        double entropy = 0;
        foreach (var c in counts)
        {
            double p = c / total;
            if (p == 0) continue; // mir_eval sets empty bins to 1, which adds 1 · log2(1) = 0
            entropy -= p * Math.Log2(p);
        }
        return entropy;
    }

    /// <summary>numpy.mod(x, −1): the remainder with the divisor's sign, in (−1, 0].</summary>
    internal static double NumpyModMinusOne(double x)
    {
        double mod = x % -1.0; // C fmod: the sign of x
        if (mod != 0) { if (mod > 0) mod += -1.0; }
        else mod = -0.0;
        return mod;
    }

    /// <summary>numpy.histogram's bin for explicit edges: [e_i, e_{i+1}), the last bin closed on the right.</summary>
    internal static int HistogramBin(double[] edges, double v)
    {
        int bins = edges.Length - 1;
        int i = EventMatching.UpperBound(edges.AsSpan(0, bins), v) - 1;
        return Math.Clamp(i, 0, bins - 1);
    }
}
