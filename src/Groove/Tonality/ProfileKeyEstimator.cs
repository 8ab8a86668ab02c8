using Groove.Audio;
using Groove.Dsp;

namespace Groove.Tonality;

/// <summary>Settings of <see cref="ProfileKeyEstimator"/>.</summary>
public sealed record ProfileKeyOptions
{
    /// <summary>Which chroma is matched with the profiles: the tuned CQT chroma (<see cref="KeyChroma.Cqt"/>, options
    /// below) or the peak-based HPCP (<see cref="KeyChroma.Hpcp"/>, options in <see cref="Hpcp"/>).</summary>
    public KeyChroma Chroma { get; init; } = KeyChroma.Cqt;
    /// <summary>Settings of the HPCP front end (used when <see cref="Chroma"/> is <see cref="KeyChroma.Hpcp"/>).</summary>
    public HpcpOptions Hpcp { get; init; } = new();
    /// <summary>Gate of the time-averaged chroma: scaled to a maximum of 1, classes below this are set to 0 (essentia's
    /// <c>pcpThreshold</c>); 0 = off.</summary>
    public double ChromaGate { get; init; }
    /// <summary>Key templates (default: <see cref="KeyProfile.AlbrechtShanahan"/>).</summary>
    public KeyProfile Profile { get; init; } = KeyProfile.AlbrechtShanahan;
    /// <summary>How chroma is compared with the templates (default cosine: on gtzan20 and on rendered Nottingham tunes
    /// it beat Pearson correlation for the default profile; see the tonal README section).</summary>
    public KeySimilarity Similarity { get; init; } = KeySimilarity.Cosine;
    /// <summary>Weight CQT bins by amplitude (divide by √(filter length)) rather than librosa's √L-scaled magnitude.</summary>
    public bool AmplitudeWeighting { get; init; } = true;
    /// <summary>Count only CQT bins that are spectral peaks (local maxima across frequency) in their frame.</summary>
    public bool PeakPicking { get; init; } = true;
    /// <summary>Analyse only the harmonic part of the signal (median-filtering HPSS, <see cref="Hpss"/>).</summary>
    public bool HarmonicOnly { get; init; } = false;
    /// <summary>Adapt the profile to polyphonic audio with this many harmonics (<see cref="KeyProfile.WithHarmonics"/>); 1 = off.</summary>
    public int ProfileHarmonics { get; init; } = 1;
    /// <summary>γ of the log(1 + γ·|CQT|) compression before folding to chroma; 0 turns it off.</summary>
    public double LogCompression { get; init; } = 0;
    /// <summary>Per-frame chroma normalisation before averaging over time (None: loud frames weigh more).</summary>
    public ChromaNorm FrameNorm { get; init; } = ChromaNorm.None;
    /// <summary>Softmax sharpness turning the 24 similarities into probabilities (null: a default per similarity, or
    /// <see cref="KeyScoreCombination.DefaultSharpness"/> for a combination).</summary>
    public double? Sharpness { get; init; }
    /// <summary>Maps the margin (best minus second similarity) to the probability that the key is right; null: the
    /// confidence is the softmax probability of the best key, which is not calibrated. <see cref="KeyMethods"/> sets
    /// the constants fitted for each method; they hold only for that method's profile and similarity.</summary>
    public KeyConfidenceCalibration? Calibration { get; init; }
    /// <summary>A second method combined with this one (null: none): both chromas are computed, each method scores the
    /// 24 keys with its own gate, profile and similarity, and the scores are z-normalised and added
    /// (<see cref="KeyScoreCombination"/>). This method's local-key window and hop apply; the second's
    /// <see cref="CombineWith"/> and <see cref="Calibration"/> are not used, and the combination's confidence is
    /// uncalibrated unless this <see cref="Calibration"/> is set (fitted for the combination).</summary>
    public ProfileKeyOptions? CombineWith { get; init; }
    /// <summary>Window of the local-key curve (seconds).</summary>
    public double LocalWindowSeconds { get; init; } = 8;
    /// <summary>Step of the local-key curve (seconds).</summary>
    public double LocalHopSeconds { get; init; } = 2;
}

/// <summary>The chroma front end of <see cref="ProfileKeyEstimator"/>.</summary>
public enum KeyChroma
{
    /// <summary>Tuned 36-bin CQT folded to 12 classes (<see cref="TonalChroma"/>).</summary>
    Cqt,
    /// <summary>Harmonic pitch-class profile from STFT peaks (<see cref="HarmonicPitchClassProfile"/>).</summary>
    Hpcp,
}

/// <summary>A key estimated over one stretch of time.</summary>
public sealed record LocalKey(double Start, double End, MusicalKey Key, double Confidence);

/// <summary>A global key estimate plus the key over time and the tuning found.</summary>
public sealed record KeyAnalysis(KeyEstimate Global, IReadOnlyList<LocalKey> Local, double TuningSemitones);

/// <summary>
/// Classical template key finding (Krumhansl 1990; Temperley 1999; Gómez 2006 for audio): a chroma (a tuned CQT
/// chroma, <see cref="TonalChroma"/>, by default; or an HPCP, <see cref="HarmonicPitchClassProfile"/>) averaged over
/// time is compared with a <see cref="KeyProfile"/> rotated to the 24 keys,
/// by cosine similarity (the default <see cref="ProfileKeyOptions.Similarity"/>; Pearson correlation on request); the
/// most similar key is the key and a softmax of the 24 similarities gives the probabilities. The confidence is the
/// calibrated probability that the key is right (<see cref="ProfileKeyOptions.Calibration"/>, from the margin between
/// the two most similar keys) or, without a calibration, the best key's softmax probability. The same comparison over 8 s windows every 2 s gives the key over time (<see cref="Analyze"/>).
/// With <see cref="ProfileKeyOptions.CombineWith"/>, a second method's key scores are added after z-normalisation
/// (<see cref="KeyScoreCombination"/>).
/// Thread-safe.
/// </summary>
public sealed class ProfileKeyEstimator : IKeyEstimator
{
    private readonly ProfileKeyOptions _o;
    private readonly KeyProfile _profile;
    private readonly double _sharpness;
    private readonly ProfileKeyEstimator? _partner;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int, long), ConstantQTransform> _transforms = new();

    /// <summary>An estimator with <paramref name="options"/>; null: the default method (<see cref="KeyMethods.Classical"/>,
    /// calibrated confidence).</summary>
    /// <param name="options">The settings.</param>
    public ProfileKeyEstimator(ProfileKeyOptions? options = null)
    {
        _o = options ?? KeyMethods.Classical.Options;
        if (_o.LocalWindowSeconds <= 0 || _o.LocalHopSeconds <= 0) throw new ArgumentOutOfRangeException(nameof(options));
        _sharpness = _o.Sharpness ?? (_o.CombineWith is null ? DefaultSharpness(_o.Similarity) : KeyScoreCombination.DefaultSharpness);
        if (_o.CombineWith is { } second) _partner = new ProfileKeyEstimator(second with { CombineWith = null });
        _profile = _o.ProfileHarmonics > 1 ? _o.Profile.WithHarmonics(_o.ProfileHarmonics, 0.6) : _o.Profile;
    }

    public ProfileKeyOptions Options => _o;

    public string Name => $"profile-{_o.Profile.Name}";

    public KeyEstimate Estimate(AudioBuffer audio, Action<string>? onWarning = null, CancellationToken cancellationToken = default) =>
        Analyze(audio, onWarning, cancellationToken).Global;

    /// <summary>Global key, local-key curve and tuning.</summary>
    public KeyAnalysis Analyze(AudioBuffer audio, Action<string>? onWarning = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        if (KeyInputCheck.Problem(audio, audio.Mono()) is { } problem)
        {
            onWarning?.Invoke($"no key: {problem}");
            return new KeyAnalysis(KeyEstimate.None(problem), [], 0);
        }
        var (chroma, tuning) = ChromaOf(audio, cancellationToken);
        if (_partner is not null) return AnalyzeCombined(chroma, _partner.ChromaOf(audio, cancellationToken).Chroma, tuning, onWarning);
        return FromChromagram(chroma, tuning, onWarning);
    }

    /// <summary>True when a long recording can be analysed in blocks (<see cref="BlockChroma"/>): the CQT front end
    /// without harmonic separation, not combined with a second method.</summary>
    internal bool CanAnalyseInBlocks => _o.Chroma == KeyChroma.Cqt && !_o.HarmonicOnly && _partner is null;

    /// <summary>The chroma of a recording that arrives block by block at <paramref name="sampleRate"/>, whose tuning
    /// (semitones) was measured beforehand: the CQT of overlapping segments, folded as <see cref="ChromaOf"/> folds it.</summary>
    internal BlockChroma BeginBlocks(int sampleRate, double tuningSemitones)
    {
        var transform = TonalChroma.Transform(sampleRate, tuningSemitones, _transforms);
        return new BlockChroma(transform, cqt => TonalChroma.Fold(cqt, transform.Lengths, _o.AmplitudeWeighting, _o.PeakPicking, _o.LogCompression, _o.FrameNorm));
    }

    /// <summary>Global key and key over time from a chromagram (what <see cref="Analyze"/> does after
    /// <see cref="ChromaOf"/>).</summary>
    internal KeyAnalysis FromChromagram(Chromagram chroma, double tuning, Action<string>? onWarning)
    {
        var mean = Gate(chroma.Mean());
        if (mean.All(v => v == 0))
        {
            const string reason = "no tonal content (no pitched sound found)";
            onWarning?.Invoke($"no key: {reason}");
            return new KeyAnalysis(KeyEstimate.None(reason), [], tuning);
        }
        var global = FromChroma(mean, _profile, _o.Similarity, _sharpness, _o.Calibration);

        var local = new List<LocalKey>();
        int win = Math.Max(1, (int)Math.Round(_o.LocalWindowSeconds * chroma.FrameRate));
        int hop = Math.Max(1, (int)Math.Round(_o.LocalHopSeconds * chroma.FrameRate));
        for (int start = 0; start < chroma.FrameCount; start += hop)
        {
            int end = Math.Min(chroma.FrameCount, start + win);
            var k = FromChroma(Gate(chroma.Mean(start, end)), _profile, _o.Similarity, _sharpness, _o.Calibration);
            local.Add(new LocalKey(start / chroma.FrameRate, end / chroma.FrameRate, k.Key, k.Confidence));
            if (end == chroma.FrameCount) break;
        }
        return new KeyAnalysis(global, local, tuning);
    }

    /// <summary><see cref="Analyze"/> of a combination: <paramref name="chroma"/> is this method's chromagram,
    /// <paramref name="second"/> the combined method's (frame rates may differ; windows are matched in seconds).</summary>
    private KeyAnalysis AnalyzeCombined(Chromagram chroma, Chromagram second, double tuning, Action<string>? onWarning)
    {
        var mean = Gate(chroma.Mean());
        var secondMean = _partner!.Gate(second.Mean());
        if (mean.All(v => v == 0) && secondMean.All(v => v == 0))
        {
            const string reason = "no tonal content (no pitched sound found)";
            onWarning?.Invoke($"no key: {reason}");
            return new KeyAnalysis(KeyEstimate.None(reason), [], tuning);
        }
        var global = Combined(mean, secondMean);
        var local = new List<LocalKey>();
        int win = Math.Max(1, (int)Math.Round(_o.LocalWindowSeconds * chroma.FrameRate));
        int hop = Math.Max(1, (int)Math.Round(_o.LocalHopSeconds * chroma.FrameRate));
        for (int start = 0; start < chroma.FrameCount; start += hop)
        {
            int end = Math.Min(chroma.FrameCount, start + win);
            double t0 = start / chroma.FrameRate, t1 = end / chroma.FrameRate;
            var secondWindow = new float[12];
            if (second.FrameCount > 0)
            {
                int s0 = Math.Clamp((int)Math.Round(t0 * second.FrameRate), 0, second.FrameCount - 1);
                int s1 = Math.Clamp((int)Math.Round(t1 * second.FrameRate), s0 + 1, second.FrameCount);
                secondWindow = _partner.Gate(second.Mean(s0, s1));
            }
            var k = Combined(Gate(chroma.Mean(start, end)), secondWindow);
            local.Add(new LocalKey(t0, t1, k.Key, k.Confidence));
            if (end == chroma.FrameCount) break;
        }
        return new KeyAnalysis(global, local, tuning);
    }

    private KeyEstimate Combined(float[] gatedMean, float[] secondGatedMean)
    {
        var sum = KeyScoreCombination.SumOfZScores(_profile.Score(gatedMean, _o.Similarity), _partner!._profile.Score(secondGatedMean, _partner._o.Similarity));
        var k = KeyScoreCombination.Estimate(sum, _sharpness);
        return _o.Calibration is { } c ? k with { Confidence = c.Probability(KeyConfidenceCalibration.Margin(sum)), ConfidenceCalibrated = true } : k;
    }

    /// <summary>The chroma over time that the profiles are matched with, and the tuning found (semitones from A440); for a
    /// combination, this method's own chroma.</summary>
    public (Chromagram Chroma, double TuningSemitones) ChromaOf(AudioBuffer audio, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var mono = audio.Mono();
        if (_o.HarmonicOnly) mono = Hpss.Separate(mono, cancellationToken: cancellationToken).Harmonic;
        if (_o.Chroma == KeyChroma.Hpcp) return HarmonicPitchClassProfile.Compute(mono, audio.SampleRate, _o.Hpcp, cancellationToken);
        var cqt = TonalChroma.Cqt(mono, audio.SampleRate, out double tuning, out var lengths, cancellationToken, _transforms);
        return (TonalChroma.Fold(cqt, lengths, _o.AmplitudeWeighting, _o.PeakPicking, _o.LogCompression, _o.FrameNorm), tuning);
    }

    /// <summary>The 24 key similarities (index = mode·12 + tonic) of a time-averaged chroma under this method's gate,
    /// profile and similarity (for a combination: this method's part alone).</summary>
    /// <param name="mean">12 values, C first.</param>
    public double[] KeyScores(ReadOnlySpan<float> mean) => _profile.Score(Gate(mean.ToArray()), _o.Similarity);

    /// <summary>The key of a combination (<see cref="ProfileKeyOptions.CombineWith"/>) from the two time-averaged
    /// chromas: <paramref name="mean"/> of this method's front end, <paramref name="secondMean"/> of the combined one's.</summary>
    /// <param name="mean">This method's time-averaged chroma (12 values, C first).</param>
    /// <param name="secondMean">The combined method's time-averaged chroma.</param>
    /// <exception cref="InvalidOperationException">The options combine no second method.</exception>
    public KeyEstimate FromMeanChromas(ReadOnlySpan<float> mean, ReadOnlySpan<float> secondMean) =>
        _partner is null
            ? throw new InvalidOperationException("this estimator combines no second method")
            : Combined(Gate(mean.ToArray()), _partner.Gate(secondMean.ToArray()));

    /// <summary>The key of a time-averaged chroma (12 values, C first) under these options (gate, profile, similarity;
    /// a combination's second method is not used).</summary>
    public KeyEstimate FromMeanChroma(ReadOnlySpan<float> mean) => FromChroma(Gate(mean.ToArray()), _profile, _o.Similarity, _sharpness, _o.Calibration);

    /// <summary>The similarity of the best key minus the runner-up's for a time-averaged chroma (what
    /// <see cref="ProfileKeyOptions.Calibration"/> maps to a probability; a combination's second method is not used).</summary>
    public double Margin(ReadOnlySpan<float> mean) => KeyConfidenceCalibration.Margin(_profile.Score(Gate(mean.ToArray()), _o.Similarity));

    private float[] Gate(float[] mean)
    {
        if (_o.ChromaGate <= 0) return mean;
        float max = mean.Max();
        if (!(max > 0)) return mean;
        var g = new float[mean.Length];
        for (int i = 0; i < g.Length; i++) { float v = mean[i] / max; g[i] = v < _o.ChromaGate ? 0 : v; }
        return g;
    }

    /// <summary>Softmax sharpness used when none is given: cosine similarities of non-negative vectors span a
    /// narrower range than correlations.</summary>
    public static double DefaultSharpness(KeySimilarity similarity) => similarity == KeySimilarity.Cosine ? 60 : 20;

    /// <summary>The key of a 12-bin chroma vector (index 0 = C) under <paramref name="profile"/>.</summary>
    /// <param name="chroma">12 values, C first.</param>
    /// <param name="profile">The key templates.</param>
    /// <param name="similarity">How the chroma is compared with the templates.</param>
    /// <param name="sharpness">Softmax sharpness of the 24 probabilities (null: <see cref="DefaultSharpness"/>).</param>
    /// <param name="calibration">Maps the margin to the confidence; null: the confidence is the best key's softmax
    /// probability (uncalibrated).</param>
    public static KeyEstimate FromChroma(ReadOnlySpan<float> chroma, KeyProfile profile, KeySimilarity similarity = KeySimilarity.Pearson, double? sharpness = null,
        KeyConfidenceCalibration? calibration = null)
    {
        var r = profile.Score(chroma, similarity);
        double beta = sharpness ?? DefaultSharpness(similarity);
        int best = 0;
        for (int i = 1; i < 24; i++) if (r[i] > r[best]) best = i;
        var p = new float[24];
        double z = 0;
        for (int i = 0; i < 24; i++) z += Math.Exp(beta * (r[i] - r[best]));
        for (int i = 0; i < 24; i++) p[i] = (float)(Math.Exp(beta * (r[i] - r[best])) / z);
        var key = MusicalKey.FromIndex(best);
        if (calibration is null) return new KeyEstimate(key, p[best], p);
        return new KeyEstimate(key, calibration.Probability(KeyConfidenceCalibration.Margin(r)), p) { ConfidenceCalibrated = true };
    }
}
