using Groove.Rhythm.Dbn;

namespace Groove.Rhythm;

/// <summary>Settings of <see cref="DbnBeatDecoder"/>; the defaults are madmom's <c>DBNBeatTrackingProcessor</c>'s.</summary>
public sealed record DbnBeatOptions
{
    /// <summary>Slowest tempo modelled, in BPM.</summary>
    public double MinBpm { get; init; } = 55;
    /// <summary>Fastest tempo modelled, in BPM.</summary>
    public double MaxBpm { get; init; } = 215;
    /// <summary>Number of tempo intervals (log-spaced); null models every integer interval (linear spacing).</summary>
    public int? NumTempi { get; init; }
    /// <summary>λ of the exponential distribution over tempo-change ratios: higher keeps the tempo steadier.</summary>
    public double TransitionLambda { get; init; } = 100;
    /// <summary>Beat states are the first 1/λ of each beat period; non-beat states share (1 − activation)/(λ − 1).</summary>
    public double ObservationLambda { get; init; } = 16;
    /// <summary>Decode only the stretch from the first to the last frame whose activation reaches this value (0: all).</summary>
    public double Threshold { get; init; }
    /// <summary>Move each beat to the activation peak inside its beat range (otherwise: the start of the range).</summary>
    public bool Correct { get; init; } = true;
    /// <summary>
    /// Optional tempo prior (not in madmom): a log-normal weight around this BPM, paid once per beat, so a path at
    /// twice the tempo pays twice as often. Null: every tempo equally likely.
    /// </summary>
    public double? TempoPriorBpm { get; init; }
    /// <summary>Spread of the tempo prior, in octaves.</summary>
    public double TempoPriorOctaves { get; init; } = 1.0;
    /// <summary>Scale of the tempo prior's log-weight.</summary>
    public double TempoPriorWeight { get; init; } = 1.0;
}

/// <summary>
/// Decodes beats from a beat activation (one value in [0, 1] per frame, any frame rate) with the dynamic Bayesian
/// network of Krebs, Böck &amp; Widmer 2015 ("An efficient state-space model for joint tempo and meter tracking",
/// ISMIR), as madmom's <c>DBNBeatTrackingProcessor</c> does it offline: Viterbi decoding of a bar-pointer HMM, then
/// each beat moved to the activation maximum within its beat range. Thread-safe; build one per frame rate.
/// </summary>
public sealed class DbnBeatDecoder
{
    private readonly BarPointerModel _model;

    public DbnBeatOptions Options { get; }
    public double FramesPerSecond { get; }

    public DbnBeatDecoder(double framesPerSecond, DbnBeatOptions? options = null)
    {
        Options = options ?? new DbnBeatOptions();
        FramesPerSecond = framesPerSecond;
        var intervals = TempoIntervals.FromBpm(Options.MinBpm, Options.MaxBpm, Options.NumTempi, framesPerSecond);
        _model = new BarPointerModel(intervals, 1, Options.TransitionLambda, Options.ObservationLambda, separateDownbeat: false,
            TempoPrior(intervals, framesPerSecond, Options));
    }

    /// <summary>Beat times in seconds.</summary>
    /// <exception cref="GrooveException">The activation holds NaN or values outside [0, 1].</exception>
    public double[] Decode(ReadOnlySpan<float> activation, CancellationToken cancellationToken = default) =>
        DecodeWithLogProbability(activation, cancellationToken).Beats;

    /// <summary>Beat times in seconds and the log-probability of the Viterbi path they come from (−∞ when nothing
    /// was decoded): paths of decoders with different tempo ranges can be compared by it.</summary>
    /// <exception cref="GrooveException">The activation holds NaN or values outside [0, 1].</exception>
    public (double[] Beats, double LogProbability) DecodeWithLogProbability(ReadOnlySpan<float> activation, CancellationToken cancellationToken = default)
    {
        ActivationCheck.Validate(activation, "beat activation");
        var (first, end) = ActivationCheck.ThresholdRange(activation, 1, Options.Threshold);
        var act = activation[first..end];
        if (!ActivationCheck.AnyNonZero(act)) return ([], double.NegativeInfinity);

        // madmom computes the densities in float32 (its activations' type), then stores them as float64.
        float lambdaMinusOne = (float)(Options.ObservationLambda - 1);
        var densities = new double[act.Length * 2];
        for (int t = 0; t < act.Length; t++)
        {
            densities[2 * t] = MathF.Log((1f - act[t]) / lambdaMinusOne);
            densities[2 * t + 1] = MathF.Log(act[t]);
        }
        var (path, logProbability) = _model.Viterbi(densities, act.Length, cancellationToken);
        if (path.Length == 0) return ([], double.NegativeInfinity);

        var frames = new List<int>();
        if (Options.Correct)
        {
            foreach (var (left, right) in BeatRanges(path))
            {
                int peak = left;
                for (int t = left + 1; t < right; t++) if (act[t] > act[peak]) peak = t;
                frames.Add(peak);
            }
        }
        else
        {
            // Local minima of the beat phase (wrapping around the ends) that lie in a beat range.
            int n = path.Length;
            for (int t = 0; t < n; t++)
            {
                double p = _model.BeatPhase(path[t]);
                if (n > 1 && p < _model.BeatPhase(path[(t + n - 1) % n]) && p < _model.BeatPhase(path[(t + 1) % n])
                    && _model.ObservationClass(path[t]) != 0)
                    frames.Add(t);
            }
        }
        var times = new double[frames.Count];
        for (int i = 0; i < times.Length; i++) times[i] = (frames[i] + first) / FramesPerSecond;
        return (times, logProbability);
    }

    private static double[]? TempoPrior(int[] intervals, double fps, DbnBeatOptions o)
    {
        if (o.TempoPriorBpm is not { } centre) return null;
        if (!(centre > 0) || !(o.TempoPriorOctaves > 0)) throw new GrooveException("the tempo prior needs a positive centre and spread");
        var prior = new double[intervals.Length];
        for (int i = 0; i < prior.Length; i++)
        {
            double z = Math.Log2(60 * fps / intervals[i] / centre) / o.TempoPriorOctaves;
            prior[i] = -0.5 * z * z * o.TempoPriorWeight;
        }
        return prior;
    }

    /// <summary>[left, right) frame ranges where the path stays in beat states.</summary>
    private List<(int Left, int Right)> BeatRanges(int[] path)
    {
        var ranges = new List<(int, int)>();
        int start = -1;
        for (int t = 0; t < path.Length; t++)
        {
            bool inRange = _model.ObservationClass(path[t]) != 0;
            if (inRange && start < 0) start = t;
            else if (!inRange && start >= 0) { ranges.Add((start, t)); start = -1; }
        }
        if (start >= 0) ranges.Add((start, path.Length));
        return ranges;
    }
}
