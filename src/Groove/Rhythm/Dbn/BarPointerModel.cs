using System.Numerics.Tensors;

namespace Groove.Rhythm.Dbn;

/// <summary>
/// A bar-pointer hidden Markov model and its Viterbi decoder (Whiteley, Cemgil &amp; Godsill 2006; the efficient
/// state space of Krebs, Böck &amp; Widmer 2015, ISMIR; the bar version of Böck, Krebs &amp; Widmer 2016, ISMIR),
/// laid out as madmom's <c>BeatStateSpace</c>/<c>BarStateSpace</c>, <c>BeatTransitionModel</c>/<c>BarTransitionModel</c>.
/// </summary>
/// <remarks>
/// States: for each beat of the bar, for each tempo interval I (frames per beat), I positions. The pointer advances
/// one position per frame; only at the first position of a beat may the tempo change, with probability
/// ∝ exp(−λ·|I_to/I_from − 1|). The transition matrix is therefore never built: a frame costs one shift of the
/// state vector plus a (beats × intervals × intervals) max-plus product at the beat boundaries.
/// Observation classes: 0 = no beat, 1 = beat, 2 = downbeat (beat states are the first 1/observation_lambda of
/// each beat period).
/// </remarks>
internal sealed class BarPointerModel
{
    private readonly int[] _intervals;
    private readonly int[] _blockStart;   // start of each interval's block inside one beat
    private readonly int[] _beatRange;    // [beat * K + k]: leading positions of that block in the beat range
    private readonly double[] _logTransition; // [k_to * K + j_from]
    private readonly int[] _stateBlock;   // state -> beat * K + k
    private readonly int _statesPerBeat;

    public int BeatsPerBar { get; }
    public int NumStates { get; }
    public int NumIntervals => _intervals.Length;
    public ReadOnlySpan<int> Intervals => _intervals;
    /// <summary>True when beat 1 of the bar has its own observation class (2), as in the downbeat model.</summary>
    public bool SeparateDownbeat { get; }

    /// <param name="intervals">Beat periods in frames, ascending.</param>
    /// <param name="beatsPerBar">Beats per bar (1 for a beat-only model).</param>
    /// <param name="transitionLambda">λ of the exponential tempo-change distribution.</param>
    /// <param name="observationLambda">Beat states are the first 1/λ of each period.</param>
    /// <param name="separateDownbeat">Beat 1 of the bar observes class 2.</param>
    /// <param name="beatLogPrior">Optional log-weight per interval added at every beat boundary (a tempo prior; its
    /// cost is paid once per beat). Null reproduces madmom exactly.</param>
    public BarPointerModel(int[] intervals, int beatsPerBar, double transitionLambda, double observationLambda, bool separateDownbeat,
        double[]? beatLogPrior = null)
    {
        if (intervals.Length == 0) throw new ArgumentException("No tempo intervals.", nameof(intervals));
        if (intervals.Length > ushort.MaxValue) throw new GrooveException($"too many tempo intervals ({intervals.Length}): lower the frame rate or narrow the tempo range");
        if (beatsPerBar < 1) throw new GrooveException($"beats per bar must be at least 1 (got {beatsPerBar})");
        if (!(observationLambda > 1)) throw new GrooveException($"observation lambda must be greater than 1 (got {observationLambda})");
        if (!(transitionLambda >= 0) || double.IsInfinity(transitionLambda)) throw new GrooveException($"transition lambda must be ≥ 0 (got {transitionLambda})");
        _intervals = intervals;
        BeatsPerBar = beatsPerBar;
        SeparateDownbeat = separateDownbeat;
        int k = intervals.Length;
        _blockStart = new int[k];
        long total = 0;
        for (int i = 0; i < k; i++) { _blockStart[i] = (int)total; total += intervals[i]; }
        if (total * beatsPerBar > 50_000_000) throw new GrooveException("the tempo state space is too large: lower the frame rate or narrow the tempo range");
        _statesPerBeat = (int)total;
        NumStates = _statesPerBeat * beatsPerBar;

        // Beat range: positions p/I (+ beat number, modulo 1, as madmom computes it) below 1/λ_obs.
        double border = 1.0 / observationLambda;
        _beatRange = new int[beatsPerBar * k];
        for (int b = 0; b < beatsPerBar; b++)
            for (int i = 0; i < k; i++)
            {
                int interval = intervals[i], count = 0;
                double step = 1.0 / interval;
                while (count < interval && ((count * step + b) % 1.0) < border) count++;
                _beatRange[b * k + i] = count;
            }

        _stateBlock = new int[NumStates];
        for (int b = 0; b < beatsPerBar; b++)
            for (int i = 0; i < k; i++)
                _stateBlock.AsSpan(b * _statesPerBeat + _blockStart[i], intervals[i]).Fill(b * k + i);

        _logTransition = new double[k * k];
        var row = new double[k];
        for (int from = 0; from < k; from++)
        {
            // madmom's exponential_transition: probabilities at or below machine epsilon become 0, rows sum to 1.
            for (int to = 0; to < k; to++)
            {
                double p = transitionLambda == 0 ? 1.0 :
                    Math.Exp(-transitionLambda * Math.Abs((double)intervals[to] / intervals[from] - 1.0));
                row[to] = p <= Math.BitIncrement(1.0) - 1.0 ? 0 : p;
            }
            double sum = NumpySum.Pairwise(row);
            for (int to = 0; to < k; to++) _logTransition[to * k + from] = Math.Log(row[to] / sum);
        }
        if (beatLogPrior != null)
        {
            if (beatLogPrior.Length != k) throw new ArgumentException("One prior value per interval is needed.", nameof(beatLogPrior));
            for (int to = 0; to < k; to++)
                for (int from = 0; from < k; from++) _logTransition[to * k + from] += beatLogPrior[to];
        }
    }

    /// <summary>Observation class of a state: 0 no beat, 1 beat, 2 downbeat (only with <see cref="SeparateDownbeat"/>).</summary>
    public int ObservationClass(int state)
    {
        int block = _stateBlock[state];
        int b = block / NumIntervals, i = block % NumIntervals;
        int position = state - b * _statesPerBeat - _blockStart[i];
        if (position >= _beatRange[block]) return 0;
        return SeparateDownbeat && b == 0 ? 2 : 1;
    }

    /// <summary>Beat number within the bar (1-based) of a state.</summary>
    public int BeatNumber(int state) => _stateBlock[state] / NumIntervals + 1;

    /// <summary>Position of a state within its beat, in [0, 1).</summary>
    public double BeatPhase(int state)
    {
        int block = _stateBlock[state];
        int i = block % NumIntervals, b = block / NumIntervals;
        return (state - b * _statesPerBeat - _blockStart[i]) * (1.0 / _intervals[i]);
    }

    /// <summary>Beat period, in frames, of a state.</summary>
    public int Interval(int state) => _intervals[_stateBlock[state] % NumIntervals];

    /// <summary>
    /// The most likely state sequence. <paramref name="logDensities"/> holds, per frame, the log observation density
    /// of each class (2 columns: no beat, beat; 3 columns: no beat, beat, downbeat). Returns an empty path when no
    /// sequence has non-zero probability.
    /// </summary>
    public (int[] Path, double LogProbability) Viterbi(ReadOnlySpan<double> logDensities, int frames, CancellationToken cancellationToken = default)
    {
        int classes = SeparateDownbeat ? 3 : 2;
        if (logDensities.Length != frames * classes) throw new ArgumentException("Densities do not match the frame count.");
        if (frames == 0) return ([], double.NegativeInfinity);
        int k = NumIntervals, beats = BeatsPerBar, n = NumStates;
        var prev = new double[n];
        var cur = new double[n];
        Array.Fill(prev, Math.Log(1.0 / n));
        var backPointers = new ushort[(long)frames * beats * k];
        var last = new double[k];
        var candidate = new double[k];
        var firstValue = new double[beats * k];

        for (int t = 0; t < frames; t++)
        {
            if ((t & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            var d = logDensities.Slice(t * classes, classes);
            long bpBase = (long)t * beats * k;
            // Beat boundaries: the first state of (beat b, interval k) is reached from the last state of beat b-1.
            for (int b = 0; b < beats; b++)
            {
                int prevBeat = (b + beats - 1) % beats;
                int prevBase = prevBeat * _statesPerBeat;
                for (int j = 0; j < k; j++) last[j] = prev[prevBase + _blockStart[j] + _intervals[j] - 1];
                double dFirst = d[SeparateDownbeat && b == 0 ? 2 : 1];
                for (int to = 0; to < k; to++)
                {
                    // (previous + transition) + density, in madmom's order, so ties resolve identically.
                    TensorPrimitives.Add(last, _logTransition.AsSpan(to * k, k), candidate);
                    TensorPrimitives.Add(candidate, dFirst, candidate);
                    int best = TensorPrimitives.IndexOfMax<double>(candidate);
                    firstValue[b * k + to] = candidate[best];
                    backPointers[bpBase + b * k + to] = (ushort)best;
                }
            }
            // Within a beat the pointer advances by one position with probability 1 (log 1 = 0).
            for (int b = 0; b < beats; b++)
            {
                double dBeat = d[SeparateDownbeat && b == 0 ? 2 : 1], dNone = d[0];
                for (int i = 0; i < k; i++)
                {
                    int start = b * _statesPerBeat + _blockStart[i];
                    int len = _intervals[i];
                    int range = _beatRange[b * k + i];
                    if (range > 1)
                        TensorPrimitives.Add(prev.AsSpan(start, range - 1), dBeat, cur.AsSpan(start + 1, range - 1));
                    int s0 = Math.Max(range, 1);
                    if (s0 < len)
                        TensorPrimitives.Add(prev.AsSpan(start + s0 - 1, len - s0), dNone, cur.AsSpan(start + s0, len - s0));
                    cur[start] = firstValue[b * k + i];
                }
            }
            (prev, cur) = (cur, prev);
        }

        int state = TensorPrimitives.IndexOfMax<double>(prev);
        double logP = prev[state];
        if (double.IsNegativeInfinity(logP) || double.IsNaN(logP)) return ([], logP);
        var path = new int[frames];
        for (int t = frames - 1; t >= 0; t--)
        {
            path[t] = state;
            int block = _stateBlock[state];
            int b = block / k, i = block % k;
            int position = state - b * _statesPerBeat - _blockStart[i];
            if (position > 0) { state--; continue; }
            int from = backPointers[(long)t * beats * k + block];
            int prevBeat = (b + beats - 1) % beats;
            state = prevBeat * _statesPerBeat + _blockStart[from] + _intervals[from] - 1;
        }
        return (path, logP);
    }
}
