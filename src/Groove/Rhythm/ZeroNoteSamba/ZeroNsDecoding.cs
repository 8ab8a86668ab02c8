namespace Groove.Rhythm.ZeroNoteSamba;

/// <summary>
/// How <see cref="ZeroNsBeatTracker"/> turns the network's outputs into beats, all label-free: which output is read
/// (<see cref="ZeroNsModel.ActivationSource"/>), an optional blend with the percussive part's onset envelope (the
/// spectral flux above C4 that <see cref="OnsetPhaseAnchor"/> aligns the network with in training), an optional metrical level from the activation's own periodicity
/// (<see cref="TempoEstimator"/> with a log-normal prior, then the DBN restricted to tempi within
/// <see cref="TempoWindow"/> of that estimate, as <see cref="ClassicalBeatTrackerOptions.TempoWindow"/> does for onsets), and
/// the DBN's settings. <see cref="Paper"/> is Zero-Note Samba's (Desblancs et al., TASLP 2023): the element-wise
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
    /// <summary>Centre (BPM) of the tempo estimate's log-normal prior (one octave wide).</summary>
    public double TempoEstimatePriorBpm { get; init; } = 120;
    /// <summary>DBN settings (madmom's defaults: 55–215 BPM, λ 100 / 16, no tempo prior).</summary>
    public DbnBeatOptions Dbn { get; init; } = new();

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

    /// <summary>The DBN settings for one activation: <see cref="Dbn"/>, narrowed around its tempo estimate when
    /// <see cref="TempoWindow"/> is above 1.</summary>
    public DbnBeatOptions DbnFor(ReadOnlySpan<float> activation, double framesPerSecond)
    {
        if (!(TempoWindow > 1)) return Dbn;
        var tempo = TempoEstimator.Estimate(activation, framesPerSecond, new TempoEstimatorOptions { PriorBpm = TempoEstimatePriorBpm });
        if (!(tempo.Bpm > 0)) return Dbn;
        double lo = Math.Max(Dbn.MinBpm, tempo.Bpm / TempoWindow), hi = Math.Min(Dbn.MaxBpm, tempo.Bpm * TempoWindow);
        return lo < hi ? Dbn with { MinBpm = lo, MaxBpm = hi } : Dbn;
    }
}
