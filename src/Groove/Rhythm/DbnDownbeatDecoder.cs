using Groove.Rhythm.Dbn;

namespace Groove.Rhythm;

/// <summary>Settings of <see cref="DbnDownbeatDecoder"/>; the defaults are madmom's <c>DBNDownBeatTrackingProcessor</c>'s.</summary>
public sealed record DbnDownbeatOptions
{
    /// <summary>Bar lengths to try (beats per bar); the most likely model wins.</summary>
    public IReadOnlyList<int> BeatsPerBar { get; init; } = [3, 4];
    public double MinBpm { get; init; } = 55;
    public double MaxBpm { get; init; } = 205;
    /// <summary>Number of log-spaced tempo intervals (null: every integer interval).</summary>
    public int? NumTempi { get; init; } = 60;
    public double TransitionLambda { get; init; } = 100;
    public double ObservationLambda { get; init; } = 16;
    /// <summary>Decode only from the first to the last frame where either activation reaches this value.</summary>
    public double Threshold { get; init; } = 0.05;
    public bool Correct { get; init; } = true;
}

/// <summary>
/// Joint beat and downbeat decoding with a bar-pointer dynamic Bayesian network (Böck, Krebs &amp; Widmer 2016,
/// "Joint beat and downbeat tracking with recurrent neural networks", ISMIR), as madmom's
/// <c>DBNDownBeatTrackingProcessor</c>: one HMM per bar length, the most likely one wins.
/// The activation has two columns per frame: column 0 the probability of a beat that is not a downbeat,
/// column 1 the probability of a downbeat (their sum must not exceed 1). Thread-safe.
/// </summary>
public sealed class DbnDownbeatDecoder
{
    private readonly BarPointerModel[] _models;

    public DbnDownbeatOptions Options { get; }
    public double FramesPerSecond { get; }

    public DbnDownbeatDecoder(double framesPerSecond, DbnDownbeatOptions? options = null)
    {
        Options = options ?? new DbnDownbeatOptions();
        FramesPerSecond = framesPerSecond;
        if (Options.BeatsPerBar.Count == 0) throw new GrooveException("give at least one bar length (beats per bar)");
        var intervals = TempoIntervals.FromBpm(Options.MinBpm, Options.MaxBpm, Options.NumTempi, framesPerSecond);
        _models = Options.BeatsPerBar
            .Select(b => new BarPointerModel(intervals, b, Options.TransitionLambda, Options.ObservationLambda, separateDownbeat: true))
            .ToArray();
    }

    /// <summary>Decodes a frames × 2 activation stored row by row (beat, downbeat, beat, downbeat, ...).</summary>
    /// <returns>Beats with their position in the bar (1 = downbeat).</returns>
    public Beat[] Decode(ReadOnlySpan<float> interleaved, CancellationToken cancellationToken = default)
    {
        if (interleaved.Length % 2 != 0) throw new GrooveException("a downbeat activation needs two columns (beat, downbeat) per frame");
        ActivationCheck.Validate(interleaved, "downbeat activation", columns: 2);
        for (int t = 0; t < interleaved.Length / 2; t++)
            if (interleaved[2 * t] + interleaved[2 * t + 1] > 1.0001f)
                throw new GrooveException($"downbeat activation: beat + downbeat exceeds 1 at frame {t} (column 0 is the beat that is not a downbeat)");
        var (first, end) = ActivationCheck.ThresholdRange(interleaved, 2, Options.Threshold);
        var act = interleaved[(2 * first)..(2 * end)];
        if (!ActivationCheck.AnyNonZero(act)) return [];
        int frames = act.Length / 2;
        float lambdaMinusOne = (float)(Options.ObservationLambda - 1);
        var densities = new double[frames * 3];
        for (int t = 0; t < frames; t++)
        {
            float beat = act[2 * t], down = act[2 * t + 1];
            densities[3 * t] = MathF.Log(MathF.Max(0f, 1f - (beat + down)) / lambdaMinusOne);
            densities[3 * t + 1] = MathF.Log(beat);
            densities[3 * t + 2] = MathF.Log(down);
        }

        int[] bestPath = [];
        BarPointerModel? best = null;
        double bestLogP = double.NegativeInfinity;
        foreach (var model in _models)
        {
            var (path, logP) = model.Viterbi(densities, frames, cancellationToken);
            if (path.Length > 0 && (best == null || logP > bestLogP)) (best, bestPath, bestLogP) = (model, path, logP);
        }
        if (best == null) return [];

        var frameList = new List<int>();
        if (Options.Correct)
        {
            int start = -1;
            for (int t = 0; t <= frames; t++)
            {
                bool inRange = t < frames && best.ObservationClass(bestPath[t]) != 0;
                if (inRange && start < 0) start = t;
                else if (!inRange && start >= 0)
                {
                    // The frame whose beat or downbeat activation is highest (first in row-major order on ties).
                    int peak = start;
                    float peakValue = float.NegativeInfinity;
                    for (int u = start; u < t; u++)
                        for (int c = 0; c < 2; c++)
                            if (act[2 * u + c] > peakValue) { peakValue = act[2 * u + c]; peak = u; }
                    frameList.Add(peak);
                    start = -1;
                }
            }
        }
        else
        {
            for (int t = 1; t < frames; t++)
                if (best.BeatNumber(bestPath[t]) != best.BeatNumber(bestPath[t - 1])) frameList.Add(t);
        }
        var beats = new Beat[frameList.Count];
        for (int i = 0; i < beats.Length; i++)
            beats[i] = new Beat((frameList[i] + first) / FramesPerSecond, best.BeatNumber(bestPath[frameList[i]]));
        return beats;
    }

    /// <summary>Decodes separate beat and downbeat activation columns of equal length.</summary>
    public Beat[] Decode(ReadOnlySpan<float> beat, ReadOnlySpan<float> downbeat, CancellationToken cancellationToken = default)
    {
        if (beat.Length != downbeat.Length) throw new GrooveException($"beat and downbeat activations differ in length ({beat.Length} vs {downbeat.Length})");
        var interleaved = new float[beat.Length * 2];
        for (int t = 0; t < beat.Length; t++) { interleaved[2 * t] = beat[t]; interleaved[2 * t + 1] = downbeat[t]; }
        return Decode(interleaved, cancellationToken);
    }
}
