namespace Groove.Evaluation.Beats;

/// <summary>
/// Beat-tracking metrics with madmom's definitions (madmom.evaluation.beats, S. Böck et al., "madmom: a new Python
/// audio and music signal processing library", ACM MM 2016), a re-implementation of Davies, Degara and Plumbley's
/// beat evaluation toolbox (QMUL tech. report C4DM-TR-09-06, 2009) that differs from mir_eval on purpose:
/// a greedy time-ordered F-measure pairing, no 10 ms quantisation in the P-score, errors measured from each
/// detection to its nearest annotation, Goto's threshold at 0.175 of an interval (μ = σ = 0.1), triple/third tempo
/// among the allowed metrical levels, and an information gain in bits over 40 circular bins.
/// Where madmom raises an error (fewer than two annotations for an interval-based metric), these return 0.
/// Beat times are in seconds, sorted ascending.
/// </summary>
public static class MadmomBeatMetrics
{
    /// <summary>Beats strictly after <paramref name="skip"/> seconds (madmom's <c>--skip</c>).</summary>
    public static double[] Skip(ReadOnlySpan<double> beats, double skip)
    {
        var kept = new List<double>(beats.Length);
        foreach (var b in beats) if (!(skip > 0) || b > skip) kept.Add(b);
        return kept.ToArray();
    }

    /// <summary>
    /// F-measure with madmom's onset pairing: walk both sorted sequences, pairing the current detection and
    /// annotation when |d − a| ≤ <paramref name="window"/>, else dropping the earlier one. 1 when both are empty.
    /// </summary>
    public static double FMeasure(ReadOnlySpan<double> annotations, ReadOnlySpan<double> detections, double window = 0.07)
    {
        int tp = 0, di = 0, ai = 0;
        while (di < detections.Length && ai < annotations.Length)
        {
            double d = detections[di], a = annotations[ai];
            if (Math.Abs(d - a) <= window) { tp++; di++; ai++; }
            else if (d < a) di++;
            else ai++;
        }
        int fp = detections.Length - tp, fn = annotations.Length - tp;
        double precision = tp + fp == 0 ? 1.0 : tp / (double)(tp + fp);
        double recall = tp + fn == 0 ? 1.0 : tp / (double)(tp + fn);
        double numerator = 2.0 * precision * recall;
        return numerator == 0 ? 0 : numerator / (precision + recall);
    }

    /// <summary>P-score: the share of detections within <paramref name="tolerance"/> × the median annotated interval of their nearest annotation.</summary>
    public static double PScore(ReadOnlySpan<double> annotations, ReadOnlySpan<double> detections, double tolerance = 0.2)
    {
        if (detections.IsEmpty && annotations.IsEmpty) return 1;
        if (detections.IsEmpty || annotations.IsEmpty) return 0;
        if (annotations.Length < 2) return 0;
        var diffs = new double[annotations.Length - 1];
        for (int i = 1; i < annotations.Length; i++) diffs[i - 1] = annotations[i] - annotations[i - 1];
        double window = tolerance * MirEvalBeatMetrics.Median(diffs);
        int hits = 0;
        foreach (var d in detections)
            if (Math.Abs(d - annotations[ClosestIndex(annotations, d)]) <= window) hits++;
        return hits / (double)Math.Max(detections.Length, annotations.Length);
    }

    /// <summary>Cemgil's accuracy with each detection's error to its nearest annotation (σ = <paramref name="sigma"/>).</summary>
    public static double Cemgil(ReadOnlySpan<double> annotations, ReadOnlySpan<double> detections, double sigma = 0.04)
    {
        if (detections.IsEmpty && annotations.IsEmpty) return 1;
        if (detections.IsEmpty || annotations.IsEmpty) return 0;
        double sum = 0;
        foreach (var d in detections)
        {
            double e = Math.Abs(d - annotations[ClosestIndex(annotations, d)]);
            sum += Math.Exp(-(e * e) / (2.0 * (sigma * sigma)));
        }
        return sum / (0.5 * (annotations.Length + detections.Length));
    }

    /// <summary>
    /// Goto's score: the detections nearest to the annotations, kept where their error relative to the annotated
    /// interval is ≤ <paramref name="threshold"/>, must form a run of consecutive detections at least a quarter as
    /// long as the annotations, whose errors have mean |e| ≤ <paramref name="mu"/> and (population) standard
    /// deviation ≤ <paramref name="sigma"/>.
    /// </summary>
    public static double Goto(ReadOnlySpan<double> annotations, ReadOnlySpan<double> detections,
        double threshold = 0.175, double sigma = 0.1, double mu = 0.1)
    {
        if (detections.IsEmpty && annotations.IsEmpty) return 1;
        if (detections.IsEmpty || annotations.IsEmpty) return 0;
        if (annotations.Length < 2) return 0;
        var errors = RelativeErrors(detections, annotations);
        var closest = new List<int>(annotations.Length);
        foreach (var a in annotations)
        {
            int c = ClosestIndex(detections, a);
            if (Math.Abs(errors[c]) <= threshold) closest.Add(c);
        }
        var (length, start) = LongestConsecutiveRun(closest);
        if (length < 0.25 * annotations.Length) return 0;
        double meanAbs = 0, mean = 0;
        for (int k = start; k < start + length; k++) { meanAbs += Math.Abs(errors[closest[k]]); mean += errors[closest[k]]; }
        meanAbs /= length;
        mean /= length;
        if (meanAbs > mu) return 0;
        double ss = 0;
        for (int k = start; k < start + length; k++) ss += (errors[closest[k]] - mean) * (errors[closest[k]] - mean);
        if (Math.Sqrt(ss / length) > sigma) return 0;
        return 1;
    }

    /// <summary>
    /// CMLc, CMLt, AMLc, AMLt: a detection is correct when its error to the nearest annotation is within
    /// <paramref name="phaseTolerance"/> of that annotation's (preceding) interval and its own interval within
    /// <paramref name="tempoTolerance"/> of it; the run/total is divided by the longer sequence's length. AML takes the
    /// best over madmom's variations (off-beat when <paramref name="offbeat"/>; double and half ×2 when
    /// <paramref name="doubleAndHalf"/>; triple and third ×3 when <paramref name="tripleAndThird"/>); as in madmom
    /// these are skipped when CMLc already exceeds 0.5.
    /// </summary>
    public static ContinuityScores Continuity(ReadOnlySpan<double> annotations, ReadOnlySpan<double> detections,
        double phaseTolerance = 0.175, double tempoTolerance = 0.175, bool offbeat = true, bool doubleAndHalf = true, bool tripleAndThird = true)
    {
        if (detections.IsEmpty && annotations.IsEmpty) return new ContinuityScores(1, 1, 1, 1);
        if (detections.Length <= 1 || annotations.Length <= 1) return new ContinuityScores(0, 0, 0, 0);
        var det = detections.ToArray();
        var (cmlc, cmlt) = CorrectMetricalLevel(annotations.ToArray(), det, phaseTolerance, tempoTolerance);
        double amlc = cmlc, amlt = cmlt;
        if (cmlc > 0.5) return new ContinuityScores(cmlc, cmlt, amlc, amlt);
        foreach (var sequence in MetricalVariations.Madmom(annotations.ToArray(), offbeat, doubleAndHalf, tripleAndThird))
        {
            if (sequence.Length < 2) continue; // madmom: BeatIntervalError, ignored
            var (c, t) = CorrectMetricalLevel(sequence, det, phaseTolerance, tempoTolerance);
            amlc = Math.Max(amlc, c);
            amlt = Math.Max(amlt, t);
        }
        return new ContinuityScores(cmlc, cmlt, amlc, amlt);
    }

    private static (double Continuous, double Total) CorrectMetricalLevel(double[] annotations, double[] detections,
        double phaseTolerance, double tempoTolerance)
    {
        var detInterval = BackwardIntervals(detections);
        var annIntervals = BackwardIntervals(annotations);
        // madmom intersects the *values* of the phase- and tempo-correct detections (numpy.intersect1d), then maps
        // each distinct value back to its first index; duplicated detection times are treated the same way here.
        var phaseOk = new HashSet<double>();
        var tempoOk = new HashSet<double>();
        for (int i = 0; i < detections.Length; i++)
        {
            int c = ClosestIndex(annotations, detections[i]);
            double annInterval = annIntervals[c];
            if (Math.Abs(detections[i] - annotations[c]) <= annInterval * phaseTolerance) phaseOk.Add(detections[i]);
            if (Math.Abs(1 - detInterval[i] / annInterval) <= tempoTolerance) tempoOk.Add(detections[i]);
        }
        phaseOk.IntersectWith(tempoOk);
        var correct = phaseOk.ToArray();
        Array.Sort(correct);
        var indices = new List<int>(correct.Length);
        foreach (var v in correct) indices.Add(EventMatching.LowerBound(detections, v));
        double length = Math.Max(detections.Length, annotations.Length);
        var (longest, _) = LongestConsecutiveRun(indices);
        return (longest / length, correct.Length / length);
    }

    /// <summary>
    /// Information gain in bits (not normalised): errors relative to the nearest annotated interval are binned into
    /// <paramref name="bins"/> circular bins centred on 0 (bin edges offset by half a bin, the outer half-bins merged);
    /// log2(bins) minus the entropy of the histogram, the lower of the forward and backward values.
    /// <paramref name="bins"/> must be even.
    /// </summary>
    public static double InformationGain(ReadOnlySpan<double> annotations, ReadOnlySpan<double> detections, int bins = 40)
    {
        if (bins % 2 != 0 || bins < 2) throw new ArgumentException("madmom's information gain needs an even number of bins ≥ 2", nameof(bins));
        if (detections.IsEmpty && annotations.IsEmpty) return Math.Log2(bins);
        if (detections.Length <= 1 || annotations.Length <= 1) return 0;
        double offset = 0.5 / bins;
        var edges = new double[bins + 2];
        double start = -0.5 - offset, stop = 0.5 + offset, step = (stop - start) / (bins + 1);
        for (int i = 0; i < edges.Length - 1; i++) edges[i] = i * step + start;
        edges[^1] = stop;
        double forward = InformationGainOf(ErrorHistogram(detections, annotations, edges));
        double backward = InformationGainOf(ErrorHistogram(annotations, detections, edges));
        return Math.Min(forward, backward);
    }

    private static double[] ErrorHistogram(ReadOnlySpan<double> detections, ReadOnlySpan<double> annotations, double[] edges)
    {
        var errors = RelativeErrors(detections, annotations);
        var histogram = new double[edges.Length - 1];
        foreach (var e in errors)
        {
            double wrapped = MirEvalBeatMetrics.NumpyModMinusOne(e + 0.5) + 0.5;
            if (double.IsNaN(wrapped) || wrapped < edges[0] || wrapped > edges[^1]) continue;
            histogram[MirEvalBeatMetrics.HistogramBin(edges, wrapped)]++;
        }
        histogram[0] += histogram[^1];
        return histogram[..^1];
    }

    private static double InformationGainOf(double[] histogram)
    {
        double total = 0;
        foreach (var h in histogram) total += h;
        double entropy = 0;
        if (total > 0)
            foreach (var h in histogram)
            {
                double p = h / total;
                if (p > 0) entropy -= p * Math.Log2(p);
            }
        return Math.Log2(histogram.Length) - entropy;
    }

    /// <summary>Each detection's error to its nearest annotation divided by the annotated interval on the error's side.</summary>
    private static double[] RelativeErrors(ReadOnlySpan<double> detections, ReadOnlySpan<double> annotations)
    {
        int n = annotations.Length;
        // intervals[k]: the interval before annotation k (k = 0 uses the first interval), intervals[n]: after the last.
        var intervals = new double[n + 1];
        for (int k = 1; k < n; k++) intervals[k] = annotations[k] - annotations[k - 1];
        intervals[0] = intervals[1];
        intervals[n] = intervals[n - 1];
        var result = new double[detections.Length];
        for (int i = 0; i < detections.Length; i++)
        {
            int c = ClosestIndex(annotations, detections[i]);
            double error = detections[i] - annotations[c];
            result[i] = error / (error > 0 ? intervals[c + 1] : intervals[c]);
        }
        return result;
    }

    /// <summary>Intervals to the previous event; the first takes the second's value (madmom calc_intervals).</summary>
    private static double[] BackwardIntervals(double[] events)
    {
        var interval = new double[events.Length];
        for (int i = 1; i < events.Length; i++) interval[i] = events[i] - events[i - 1];
        interval[0] = interval[1];
        return interval;
    }

    /// <summary>madmom's find_closest_matches: the nearest of the two neighbours, a tie going to the later one.</summary>
    internal static int ClosestIndex(ReadOnlySpan<double> sorted, double x)
    {
        if (sorted.Length == 1) return 0;
        int i = Math.Clamp(EventMatching.LowerBound(sorted, x), 1, sorted.Length - 1);
        return x - sorted[i - 1] < sorted[i] - x ? i - 1 : i;
    }

    /// <summary>Length and start position of the longest run of consecutive integers (madmom find_longest_continuous_segment).</summary>
    private static (int Length, int Start) LongestConsecutiveRun(List<int> indices)
    {
        if (indices.Count == 0) return (0, 0);
        int bestLength = 1, bestStart = 0, runStart = 0;
        for (int k = 1; k <= indices.Count; k++)
        {
            if (k < indices.Count && indices[k] - indices[k - 1] == 1) continue;
            if (k - runStart > bestLength) { bestLength = k - runStart; bestStart = runStart; }
            runStart = k;
        }
        return (bestLength, bestStart);
    }
}
