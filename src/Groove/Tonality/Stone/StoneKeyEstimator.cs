using Groove.Audio;

namespace Groove.Tonality.Stone;

/// <summary>
/// Key from a STONE model. A 12-output (self-supervised) model gives the key signature (a major key and its
/// relative minor share one) and the classical <see cref="ProfileKeyEstimator"/> decides between the two modes
/// (its relative scores of "s major" against "relative minor of s"). Scores: P(signature) × P(mode | signature);
/// the key is the more likely mode of the most likely signature. A 24-output model (Semi-TONE) gives the 24 key
/// scores itself (<see cref="StoneModel.KeyScores"/>) and the key is the best of them; no classical estimate is used,
/// unless <c>modeFromProfile</c> asks for a 24-output model's signature (its two columns summed) with the classical
/// mode decision, as for a 12-output model.
/// </summary>
public sealed class StoneKeyEstimator : IKeyEstimator
{
    private readonly StoneModel _model;
    private readonly ProfileKeyEstimator _mode;
    private readonly object _gate = new();

    /// <summary>
    /// An estimator around <paramref name="model"/>; <paramref name="calibration"/>, when given, turns the margin between
    /// the two best of the 24 key scores into the confidence (a calibrated probability that the key is right);
    /// otherwise the confidence is the best key's score.
    /// </summary>
    public StoneKeyEstimator(StoneModel model, string name, ProfileKeyEstimator? modeEstimator = null, bool modeFromProfile = false,
        KeyConfidenceCalibration? calibration = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _mode = modeEstimator ?? new ProfileKeyEstimator();
        Name = name;
        _modeFromProfile = modeFromProfile;
        _calibration = calibration;
    }

    private readonly bool _modeFromProfile;
    private readonly KeyConfidenceCalibration? _calibration;

    public string Name { get; }

    /// <summary>The classical estimator that decides the mode (for a 12-output model, or with <c>modeFromProfile</c>).</summary>
    public ProfileKeyEstimator ModeEstimator => _mode;

    /// <summary>Whether the model gives the mode itself (a 24-output model not told to take it from the profile).</summary>
    public bool ModelsMode => _model.Net.Config.Modes == 2 && !_modeFromProfile;

    /// <summary>The calibrated key-signature profile (index s = signature of s major) of <paramref name="audio"/>.</summary>
    public float[] KeySignatureProfile(AudioBuffer audio, CancellationToken cancellationToken = default)
    {
        var cqt = Cqt(audio, out int frames, cancellationToken);
        // Modules are not documented as re-entrant: one forward pass at a time.
        lock (_gate) return _model.KeySignatureProfile(cqt, frames);
    }

    public KeyEstimate Estimate(AudioBuffer audio, Action<string>? onWarning = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        if (KeyInputCheck.Problem(audio, audio.Mono()) is { } problem)
        {
            onWarning?.Invoke($"no key: {problem}");
            return KeyEstimate.None(problem);
        }
        return Calibrated(ModelsMode ? FromKeyScores(audio, cancellationToken) : Combine(KeySignatureProfile(audio, cancellationToken), _mode.Estimate(audio, onWarning, cancellationToken)));
    }

    /// <summary>The key of <paramref name="audio"/> given the classical estimate already computed for it (for the mode
    /// decision of a 12-output model; a 24-output model ignores it).</summary>
    public KeyEstimate Estimate(AudioBuffer audio, KeyEstimate classicalEstimate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(classicalEstimate);
        if (!classicalEstimate.HasKey) return classicalEstimate; // silence or a fragment: no model can do better
        return Calibrated(ModelsMode ? FromKeyScores(audio, cancellationToken) : Combine(KeySignatureProfile(audio, cancellationToken), classicalEstimate));
    }

    /// <summary>The margin between the two best of <paramref name="estimate"/>'s 24 key scores (what the calibration maps).</summary>
    public static double Margin(KeyEstimate estimate)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        Span<double> scores = stackalloc double[estimate.Scores.Length];
        for (int i = 0; i < scores.Length; i++) scores[i] = estimate.Scores[i];
        return KeyConfidenceCalibration.Margin(scores);
    }

    private KeyEstimate Calibrated(KeyEstimate estimate) =>
        _calibration is null || !estimate.HasKey
            ? estimate
            : estimate with { Confidence = _calibration.Probability(Margin(estimate)), ConfidenceCalibrated = true };

    private KeyEstimate FromKeyScores(AudioBuffer audio, CancellationToken cancellationToken)
    {
        var cqt = Cqt(audio, out int frames, cancellationToken);
        float[] scores;
        lock (_gate) scores = _model.KeyScores(cqt, frames);
        int best = 0;
        for (int i = 1; i < 24; i++) if (scores[i] > scores[best]) best = i;
        return new KeyEstimate(MusicalKey.FromIndex(best), scores[best], scores);
    }

    private static float[] Cqt(AudioBuffer audio, out int frames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var mono = audio.Mono();
        if (audio.SampleRate != StoneFrontEnd.SampleRate) mono = Resampler.Resample(mono, audio.SampleRate, StoneFrontEnd.SampleRate);
        return StoneFrontEnd.Compute(mono, out frames, cancellationToken);
    }

    /// <summary>24-key scores from a key-signature profile and a classical estimate's 24 scores.</summary>
    public static KeyEstimate Combine(ReadOnlySpan<float> sig, KeyEstimate classicalEstimate)
    {
        var classical = classicalEstimate.Scores;
        var scores = new float[24];
        for (int s = 0; s < 12; s++)
        {
            int minorTonic = (s + 9) % 12;
            double maj = classical[s], min = classical[12 + minorTonic], z = maj + min;
            double pMaj = z > 0 ? maj / z : 0.5;
            scores[s] = (float)(sig[s] * pMaj);
            scores[12 + minorTonic] = (float)(sig[s] * (1 - pMaj));
        }
        // The model decides the signature, the classical scores only the mode within it.
        int sBest = 0;
        for (int s = 1; s < 12; s++) if (sig[s] > sig[sBest]) sBest = s;
        int best = scores[sBest] >= scores[12 + (sBest + 9) % 12] ? sBest : 12 + (sBest + 9) % 12;
        return new KeyEstimate(MusicalKey.FromIndex(best), scores[best], scores);
    }
}
