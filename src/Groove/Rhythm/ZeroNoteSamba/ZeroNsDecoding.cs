namespace Groove.Rhythm.ZeroNoteSamba;

/// <summary>
/// How <see cref="ZeroNsBeatTracker"/> turns the network's outputs into beats, all label-free: which output is read
/// (<see cref="ZeroNsModel.ActivationSource"/>), an optional blend with the percussive part's onset envelope (the
/// spectral flux above C4 that <see cref="OnsetPhaseAnchor"/> aligns the network with in training), an optional metrical level from the activation's own periodicity
/// (<see cref="TempoEstimator"/> with a log-normal prior, then the DBN restricted to tempi within
/// <see cref="TempoWindow"/> of that estimate, as <see cref="ClassicalBeatTrackerOptions.TempoWindow"/> does for onsets), and
/// the DBN's settings, and optionally a choice among half, the estimate and double of it by the DBN's path likelihood
/// (<see cref="Octave"/>). <see cref="Paper"/> is Zero-Note Samba's (Desblancs et al., TASLP 2023): the element-wise
/// maximum of both branches decoded by madmom's DBN. <see cref="Default"/> was chosen on rendered audio by the rule in
/// <c>bench/beats/zerons-decoding.md</c>, never on gtzan20 or more3.
/// </summary>
public sealed record ZeroNsDecoding
{
    /// <summary>The output read as the beat activation.</summary>
    public ZeroNsModel.ActivationSource Source { get; init; } = ZeroNsModel.ActivationSource.Combined;
    /// <summary>Weight w of the onset envelope: activation ← (1 − w) · activation + w · envelope / its maximum (0: none).</summary>
    public float OnsetBlend { get; init; }
    /// <summary>Restrict the DBN to tempi within this factor of the activation's tempo estimate (0: no restriction).</summary>
    public double TempoWindow { get; init; }
    /// <summary>Centre (BPM) of the tempo estimate's log-normal prior.</summary>
    public double TempoEstimatePriorBpm { get; init; } = 120;
    /// <summary>Spread (octaves, one standard deviation) of the tempo estimate's log-normal prior.</summary>
    public double TempoEstimatePriorOctaves { get; init; } = 1.0;
    /// <summary>Which activation the tempo estimate is read from.</summary>
    public TempoSource TempoFrom { get; init; } = TempoSource.Decoded;
    /// <summary>How the metrical level is chosen around the tempo estimate (only with a <see cref="TempoWindow"/>).</summary>
    public OctaveChoice Octave { get; init; } = OctaveChoice.Estimate;
    /// <summary>DBN settings (madmom's defaults: 55–215 BPM, λ 100 / 16, no tempo prior).</summary>
    public DbnBeatOptions Dbn { get; init; } = new();

    /// <summary>The activation the tempo estimate is computed from.</summary>
    public enum TempoSource
    {
        /// <summary>The decoded activation (after the blend).</summary>
        Decoded,
        /// <summary>The non-percussive branch alone.</summary>
        NonPercussive,
        /// <summary>The mean of the two branches.</summary>
        BranchMean,
    }

    /// <summary>How the DBN's tempo window is placed.</summary>
    public enum OctaveChoice
    {
        /// <summary>Around the tempo estimate.</summary>
        Estimate,
        /// <summary>Around half, once and twice the estimate in turn; the Viterbi path with the highest log-probability
        /// wins.</summary>
        PathLikelihood,
    }

    /// <summary>The paper's decoding: both branches' maximum, madmom's DBN.</summary>
    public static ZeroNsDecoding Paper { get; } = new();

    /// <summary>The shipped tracker's decoding (see <c>bench/beats/zerons-decoding.md</c>).</summary>
    public static ZeroNsDecoding Default { get; } = new()
    {
        OnsetBlend = 0.5f,
        TempoWindow = 1.4,
        TempoEstimatePriorBpm = 140,
    };

    /// <summary>The activation blended with the onset envelope (<see cref="OnsetBlend"/>), in place; unchanged when the
    /// weight is 0 or the envelope is silent.</summary>
    public void Blend(Span<float> activation, ReadOnlySpan<float> onsetEnvelope)
    {
        if (OnsetBlend == 0) return;
        if (!(OnsetBlend is > 0 and <= 1)) throw new GrooveException($"the onset blend weight must lie in [0, 1], not {OnsetBlend}");
        if (onsetEnvelope.Length != activation.Length) throw new ArgumentException("the onset envelope and the activation differ in length");
        float max = 0;
        foreach (var v in onsetEnvelope) max = Math.Max(max, v);
        if (!(max > 0)) return;
        float w = OnsetBlend, scale = w / max;
        for (int i = 0; i < activation.Length; i++) activation[i] = (1 - w) * activation[i] + scale * onsetEnvelope[i];
    }

    /// <summary>
    /// Beats (seconds) and the decoded activation from the branch outputs of one track: <paramref name="percussive"/>
    /// and <paramref name="nonPercussive"/> (either may be empty when <see cref="NeedsPercussive"/> /
    /// <see cref="NeedsNonPercussive"/> say it is unused) and the percussive part's onset envelope (empty when
    /// <see cref="OnsetBlend"/> is 0).
    /// </summary>
    public (double[] Beats, float[] Activation) Decode(ReadOnlySpan<float> percussive, ReadOnlySpan<float> nonPercussive,
        ReadOnlySpan<float> onsetEnvelope, double framesPerSecond, CancellationToken cancellationToken = default)
    {
        var activation = Source switch
        {
            ZeroNsModel.ActivationSource.Percussive => percussive.ToArray(),
            ZeroNsModel.ActivationSource.NonPercussive => nonPercussive.ToArray(),
            _ => Maximum(percussive, nonPercussive),
        };
        if (activation.Length > 1) Blend(activation, onsetEnvelope);
        Clamp(activation);
        if (activation.Length <= 1) return ([], activation);
        if (!(TempoWindow > 1)) return (new DbnBeatDecoder(framesPerSecond, Dbn).Decode(activation, cancellationToken), activation);

        float[] tempoInput = TempoFrom switch
        {
            TempoSource.NonPercussive => nonPercussive.ToArray(),
            TempoSource.BranchMean => Mean(percussive, nonPercussive),
            _ => activation,
        };
        if (tempoInput.Length != activation.Length) throw new ArgumentException("the branch outputs differ in length");
        Clamp(tempoInput);
        double bpm = EstimateBpm(tempoInput, framesPerSecond);
        if (!(bpm > 0)) return (new DbnBeatDecoder(framesPerSecond, Dbn).Decode(activation, cancellationToken), activation);
        if (Octave == OctaveChoice.Estimate)
            return (new DbnBeatDecoder(framesPerSecond, Window(bpm) ?? Dbn).Decode(activation, cancellationToken), activation);

        double[]? best = null;
        double bestLog = double.NegativeInfinity;
        foreach (double level in (ReadOnlySpan<double>)[1, 0.5, 2])
        {
            if (Window(bpm * level) is not { } options) continue;
            var (beats, log) = new DbnBeatDecoder(framesPerSecond, options).DecodeWithLogProbability(activation, cancellationToken);
            if (best is null || log > bestLog) { best = beats; bestLog = log; }
        }
        return (best ?? new DbnBeatDecoder(framesPerSecond, Dbn).Decode(activation, cancellationToken), activation);
    }

    /// <summary>True when <see cref="Decode"/> reads the percussive branch.</summary>
    public bool NeedsPercussive => Source != ZeroNsModel.ActivationSource.NonPercussive || (TempoWindow > 1 && TempoFrom == TempoSource.BranchMean);

    /// <summary>True when <see cref="Decode"/> reads the non-percussive branch.</summary>
    public bool NeedsNonPercussive => Source != ZeroNsModel.ActivationSource.Percussive || (TempoWindow > 1 && TempoFrom != TempoSource.Decoded);

    /// <summary>The DBN settings for one activation: <see cref="Dbn"/>, narrowed around its tempo estimate when
    /// <see cref="TempoWindow"/> is above 1.</summary>
    public DbnBeatOptions DbnFor(ReadOnlySpan<float> activation, double framesPerSecond)
    {
        if (!(TempoWindow > 1)) return Dbn;
        double bpm = EstimateBpm(activation, framesPerSecond);
        return bpm > 0 && Window(bpm) is { } options ? options : Dbn;
    }

    private double EstimateBpm(ReadOnlySpan<float> activation, double framesPerSecond) =>
        TempoEstimator.Estimate(activation, framesPerSecond,
            new TempoEstimatorOptions { PriorBpm = TempoEstimatePriorBpm, PriorOctaves = TempoEstimatePriorOctaves }).Bpm;

    /// <summary><see cref="Dbn"/> restricted to ×/÷ <see cref="TempoWindow"/> of <paramref name="bpm"/>; null when
    /// that leaves no tempo inside the DBN's range.</summary>
    private DbnBeatOptions? Window(double bpm)
    {
        double lo = Math.Max(Dbn.MinBpm, bpm / TempoWindow), hi = Math.Min(Dbn.MaxBpm, bpm * TempoWindow);
        return lo < hi ? Dbn with { MinBpm = lo, MaxBpm = hi } : null;
    }

    private static float[] Maximum(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("the branch outputs differ in length");
        var m = new float[a.Length];
        for (int i = 0; i < m.Length; i++) m[i] = Math.Max(a[i], b[i]);
        return m;
    }

    private static float[] Mean(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("the branch outputs differ in length");
        var m = new float[a.Length];
        for (int i = 0; i < m.Length; i++) m[i] = 0.5f * (a[i] + b[i]);
        return m;
    }

    /// <summary>Into [0, 1) as the DBN's observation model needs.</summary>
    private static void Clamp(Span<float> x)
    {
        for (int i = 0; i < x.Length; i++) x[i] = Math.Clamp(x[i], 0f, 1f - 1e-6f);
    }
}
