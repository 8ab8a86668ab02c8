using System.Globalization;
using Groove.Audio;
using Groove.Models;
using Groove.Rhythm;
using Groove.Tonality;
using Groove.Tonality.Stone;

namespace Groove.Analysis;

/// <summary>
/// The one analysis pipeline: load → beats, downbeats and tempo (<see cref="IBeatTracker"/>, then
/// <see cref="MirexTempo"/>) and, alongside, the key (<see cref="ProfileKeyEstimator"/>, optionally refined by a
/// STONE model). Every front end runs it (the CLI's <c>analyze</c>, <c>beats</c>, <c>tempo</c>, <c>key</c> and
/// <c>click</c>, the web app, and <c>groove eval</c>'s estimators), so a score is the score of what users run.
/// Each thing is computed once. Thread-safe: one analyzer serves concurrent calls.
/// </summary>
public sealed class Analyzer
{
    private readonly ProfileKeyEstimator? _profile;
    private readonly StoneKeyEstimator? _model;
    private readonly IKeyEstimator? _otherKey;
    private readonly LearnedKeyMethod? _learnedMethod;

    /// <summary>An analyzer with the components <paramref name="options"/> names.</summary>
    /// <exception cref="GrooveException">An unknown tracker, key profile or model.</exception>
    public Analyzer(AnalysisOptions? options = null)
    {
        Options = options ?? new AnalysisOptions();
        if (Options.Beats) BeatTracker = BeatTrackers.Create(Options.BeatTracker);
        if (!Options.Key) return;
        var model = Options.KeyModel;
        var keyOptions = KeyMethods.Find(Options.KeyMethod);
        var learned = keyOptions is null ? KeyMethods.FindLearned(Options.KeyMethod) : null;
        if (learned is not null)
        {
            // A learned method: its model (unless --model names another) with the classical default deciding the mode;
            // with its own model, files analysed in blocks fall back to that classical estimate.
            keyOptions = KeyMethods.Classical.Options;
            if (model is null) _learnedMethod = learned;
        }
        else if (keyOptions is null)
        {
            // Not a classical method: a STONE model's name (the default classical estimator gives the mode).
            if (model is null && ModelRegistry.Available().Contains(Options.KeyMethod, StringComparer.OrdinalIgnoreCase)) model = Options.KeyMethod;
            else throw new GrooveException($"unknown method '{Options.KeyMethod}' (choose {string.Join(", ", KeyMethods.Names.Concat(ModelRegistry.Available()))})");
            keyOptions = KeyMethods.Classical.Options;
        }
        if (Options.KeyProfile is { } name)
            keyOptions = keyOptions with
            {
                Profile = Tonality.KeyProfile.Find(name)
                    ?? throw new GrooveException($"unknown profile '{name}' (choose {string.Join(", ", Tonality.KeyProfile.All.Select(p => p.Name))})"),
                // The method's calibration was fitted with its own profile; another profile's margins mean something else.
                Calibration = null,
            };
        _profile = new ProfileKeyEstimator(keyOptions);
        if (_learnedMethod is not null)
            _model = _learnedMethod.CreateEstimator(_profile, calibrated: Options.KeyProfile is null);
        else if (model is not null)
            _model = new StoneKeyEstimator(StoneModel.Load(ModelRegistry.Resolve(model)), model, _profile, Options.KeyModeFromProfile);
        KeyMethodName = _learnedMethod?.Name ?? model ?? Options.KeyMethod;
    }

    /// <summary>The key method run: the learned or classical method's name, or the STONE model's given by <see cref="AnalysisOptions.KeyModel"/> (null when the key is not computed).</summary>
    public string? KeyMethodName { get; }

    /// <summary>The key templates of the classical estimator (null when the key is not computed or the estimator is not classical).</summary>
    public KeyProfile? KeyTemplates => _profile?.Options.Profile;

    /// <summary>
    /// An analyzer around given components (tests, the web app, <c>groove eval</c>'s named estimators): beats when
    /// <paramref name="beatTracker"/> is given, the key when <paramref name="keyEstimator"/> is (a
    /// <see cref="ProfileKeyEstimator"/> also gives the key over time; a <see cref="StoneKeyEstimator"/> refines
    /// its profile estimator's result).
    /// </summary>
    public Analyzer(IBeatTracker? beatTracker, IKeyEstimator? keyEstimator, AudioLoadOptions? load = null)
    {
        Options = new AnalysisOptions
        {
            Load = load ?? new AudioLoadOptions(),
            Beats = beatTracker is not null,
            Key = keyEstimator is not null,
            BeatTracker = beatTracker?.Name ?? BeatTrackers.DefaultName,
        };
        BeatTracker = beatTracker;
        switch (keyEstimator)
        {
            case ProfileKeyEstimator p: _profile = p; break;
            case StoneKeyEstimator s: _model = s; _profile = s.ModeEstimator; break;
            default: _otherKey = keyEstimator; break;
        }
        KeyMethodName = keyEstimator?.Name;
    }

    public AnalysisOptions Options { get; }

    /// <summary>The beat tracker; null when beats are not computed.</summary>
    public IBeatTracker? BeatTracker { get; }

    /// <summary>The key estimator whose global key the result holds; null when the key is not computed.</summary>
    public IKeyEstimator? KeyEstimator => (IKeyEstimator?)_model ?? _profile ?? _otherKey;

    /// <summary>Decodes <paramref name="path"/> as <see cref="AnalysisOptions.Load"/> says.</summary>
    public AudioBuffer Load(string path, Action<string>? onWarning = null, CancellationToken cancellationToken = default) =>
        AudioFile.Load(path, cancellationToken.CanBeCanceled ? Options.Load with { CancellationToken = cancellationToken } : Options.Load, onWarning);

    /// <summary>Loads and analyses <paramref name="path"/>; a long file (<see cref="AnalysisOptions.BlocksAbove"/>) is
    /// analysed in blocks, never held whole (<see cref="AnalysisResult.Audio"/> is then null).</summary>
    public AnalysisResult Analyze(string path, IProgress<AnalysisProgress>? progress = null, Action<string>? onWarning = null,
        CancellationToken cancellationToken = default)
    {
        if (InBlocks(path))
        {
            var result = BlockAnalysis.Run(path, Options.Load, BeatTracker as ClassicalBeatTracker, _profile, progress, onWarning, cancellationToken);
            if (_model is not null && result.Key is { Global.HasKey: true })
                onWarning?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"key by {KeyMethods.ClassicalName}, not {KeyMethodName}: files over {Options.BlocksAbove!.Value.TotalMinutes:0.#} min are analysed in blocks, and the model needs the whole file"));
            return result;
        }
        progress?.Report(new AnalysisProgress(AnalysisStage.Decoding, 0));
        var audio = Load(path, onWarning, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return Analyze(audio, progress, onWarning, cancellationToken);
    }

    /// <summary>
    /// Analyses decoded audio. The key runs on another thread while the beats are tracked (they are independent);
    /// progress reports the beat stage, then the key stage once the beats are done.
    /// </summary>
    public AnalysisResult Analyze(AudioBuffer audio, IProgress<AnalysisProgress>? progress = null, Action<string>? onWarning = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var key = KeyEstimator is null ? null : Task.Run(() => AnalyzeKey(audio, onWarning, cancellationToken), cancellationToken);
        BeatTrackingResult? beats = null;
        try
        {
            if (BeatTracker is not null)
            {
                progress?.Report(new AnalysisProgress(AnalysisStage.Beats, 0));
                var beatProgress = progress is null ? null : new StageProgress(progress, AnalysisStage.Beats);
                beats = BeatTracker.Track(audio, beatProgress, onWarning, cancellationToken);
            }
        }
        finally
        {
            // Never leave the key task running unobserved when the beats fail.
            if (beats is null && key is not null) try { key.Wait(CancellationToken.None); } catch (AggregateException) { }
        }
        KeyAnalysis? keyResult = null;
        if (key is not null)
        {
            progress?.Report(new AnalysisProgress(AnalysisStage.Key, 0));
            keyResult = key.GetAwaiter().GetResult();
            progress?.Report(new AnalysisProgress(AnalysisStage.Key, 1));
        }
        return new AnalysisResult(audio, beats, beats is null ? null : MirexTempo.From(beats), keyResult);
    }

    /// <summary>True when <paramref name="path"/> is analysed in blocks: the components allow it, the file is a
    /// regular file (not stdin or a pipe, which can be read only once), and it is longer than
    /// <see cref="AnalysisOptions.BlocksAbove"/>. Only files of 4 MB or more are probed for their length: under
    /// 10 minutes of audio fit in less at any usual bit rate, and probing costs a decoder start.</summary>
    internal bool InBlocks(string path)
    {
        if (Options.BlocksAbove is not { } above) return false;
        bool beatsOk = BeatTracker is null || BeatTracker is ClassicalBeatTracker;
        // A learned default method's model needs the whole file; long files fall back to its classical mode estimator.
        bool keyOk = KeyEstimator is null || ((_model is null || _learnedMethod is not null) && _otherKey is null && _profile is { CanAnalyseInBlocks: true });
        var load = Options.Load;
        if (!beatsOk || !keyOk || load.SampleRate is not null || load.Channels is not null || load.Mono) return false;
        if (path == AudioFile.StandardInputName) return false;
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists || (above > TimeSpan.Zero && file.Length < 4 << 20)) return false;
            if (file.Attributes.HasFlag(FileAttributes.Directory)) return false;
            // A FIFO or device reports length 0 and is never probed (probing would consume it).
            if (file.Length == 0) return false;
            return above == TimeSpan.Zero || AudioFile.Probe(path).Duration is not { } d || d > above.TotalSeconds;
        }
        catch (GrooveException) { return false; }   // the whole-file path reports the problem
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private KeyAnalysis AnalyzeKey(AudioBuffer audio, Action<string>? onWarning, CancellationToken cancellationToken)
    {
        if (_profile is null) return new KeyAnalysis(_otherKey!.Estimate(audio, onWarning, cancellationToken), [], 0);
        var analysis = _profile.Analyze(audio, onWarning, cancellationToken);
        return _model is null ? analysis : analysis with { Global = _model.Estimate(audio, analysis.Global, cancellationToken) };
    }

    private sealed class StageProgress(IProgress<AnalysisProgress> target, AnalysisStage stage) : IProgress<double>
    {
        public void Report(double value) => target.Report(new AnalysisProgress(stage, value));
    }
}
