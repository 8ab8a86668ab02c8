using System.Globalization;
using Groove.IO;
using Groove.Models;
using Groove.Tonality.Stone;

namespace Groove.Training.Stone;

/// <summary>What a STONE training run is given (<c>groove train stone</c>'s options).</summary>
public sealed record StoneRunSettings
{
    /// <summary>Unlabelled audio: a folder or a list file (<see cref="AudioFileNames.Find"/>); null with labelled data only.</summary>
    public string? Data { get; init; }
    /// <summary>Dataset folders with keys (DIR/audio + DIR/key); non-empty makes the run Semi-TONE (sup-TONE without <see cref="Data"/>).</summary>
    public IReadOnlyList<string> Labelled { get; init; } = [];
    /// <summary>Run folder: checkpoint.safetensors, log.tsv, stone.safetensors.</summary>
    public string OutDir { get; init; } = "runs/stone";
    /// <summary>Continue from the run folder's checkpoint.</summary>
    public bool Resume { get; init; }
    /// <summary>A trained model (name or path) whose trunk starts the run; ignored when resuming.</summary>
    public string? Init { get; init; }
    /// <summary>CQT cache folder.</summary>
    public string CacheDir { get; init; } = DefaultCacheDir;
    /// <summary>Keep at most this much (the middle) of each track, in seconds.</summary>
    public double MaxSecondsPerTrack { get; init; } = 120;
    /// <summary>Training settings; its <see cref="StoneTrainingOptions.Model"/> (width, modes) is used unless a checkpoint
    /// or <see cref="Init"/> model fixes the size, and the run sets <see cref="StoneTrainingOptions.Labelled"/> and the label offset.</summary>
    public StoneTrainingOptions Options { get; init; } = new();

    /// <summary>~/.cache/groove/stone-cqt.</summary>
    public static string DefaultCacheDir =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "groove", "stone-cqt");
}

/// <summary>
/// A whole STONE training run: decides between resuming (the checkpoint fixes the network size and label convention),
/// starting from a trained trunk (<see cref="StoneRunSettings.Init"/>) or from scratch; prepares the unlabelled and
/// labelled data (cached CQTs); trains on <see cref="ResumableTraining"/>; writes the final weights.
/// </summary>
public static class StoneTrainingRun
{
    /// <summary>Runs to the end or until <paramref name="cancellationToken"/> fires (then checkpointed); true when all steps are done.</summary>
    /// <param name="settings">The run.</param>
    /// <param name="info">Progress lines.</param>
    /// <param name="warn">One-line warnings.</param>
    /// <param name="describe">One line for an exception that stops a single track (the track is skipped).</param>
    /// <param name="cancellationToken">Stops the run between steps (or while preparing data).</param>
    /// <exception cref="GrooveException">Bad settings or data.</exception>
    public static bool Run(StoneRunSettings settings, Action<string> info, Action<string> warn, Func<Exception, string> describe,
        CancellationToken cancellationToken = default)
    {
        var labelled = settings.Labelled;
        if (settings.Data is null && labelled.Count == 0) throw new GrooveException("give --data (unlabelled audio) or --labelled (a dataset folder with keys), or both");
        foreach (var l in labelled)
            if (!Directory.Exists(l)) throw new GrooveException($"{l}: no such folder (--labelled takes a dataset folder with audio/ and key/)");
        var dir = settings.OutDir;
        var checkpoint = Path.Combine(dir, "checkpoint.safetensors");
        var model = settings.Options.Model;
        int m = model.Modes;
        int labelOffset = 0;
        StoneModel? initModel = null;
        if (settings.Resume && File.Exists(checkpoint))
        {
            // The checkpoint knows the network size and the label convention it was started with.
            var (saved, savedOffset) = StoneTrainer.ReadCheckpointSettings(checkpoint);
            if (saved != null && saved.Modes != m) throw new GrooveException($"{checkpoint} is a {saved.Outputs}-output model: resume it with --modes {saved.Modes}");
            model = saved ?? model;
            labelOffset = savedOffset ?? 0;
            if (settings.Init != null) warn("--init is ignored when resuming (the checkpoint holds the weights)");
        }
        else if (settings.Init != null)
        {
            initModel = StoneModel.Load(ModelRegistry.Resolve(settings.Init));
            model = initModel.Net.Config with { Modes = m };
            labelOffset = initModel.CalibrationOffset;
        }
        var options = settings.Options with { Model = model, Labelled = labelled.Count > 0, LabelOffset = labelOffset, MaxLabelledSeconds = settings.MaxSecondsPerTrack };
        var files = settings.Data != null ? AudioFileNames.Find(settings.Data) : null;
        var trainer = new StoneTrainer(options, dir);
        if (File.Exists(trainer.Loop.CheckpointPath) && !settings.Resume)
            throw new GrooveException($"{trainer.Loop.CheckpointPath} exists: pass --resume to continue it or choose another --out");
        if (settings.Resume && trainer.Loop.TryResume() is null) warn($"no checkpoint in {dir}: starting from scratch");
        else if (settings.Resume) info($"resuming at step {trainer.Loop.Step}");
        if (initModel != null)
            info(string.Create(CultureInfo.InvariantCulture,
                $"trunk from {settings.Init}: {trainer.InitFrom(initModel)} tensors (width {model.Width}, {model.Stages} stages), new {model.Outputs}-output head, label offset {labelOffset}"));

        StoneTrainingData? set = null;
        if (files != null)
        {
            set = LoadData(files, settings.CacheDir, settings.MaxSecondsPerTrack, options.ExcerptFrames, info, warn, describe, cancellationToken);
            if (cancellationToken.IsCancellationRequested) { info("stopped while preparing data"); return false; }
            if (set.Count == 0) throw new GrooveException($"{settings.Data}: no track is at least {options.ExcerptSeconds:G} s long");
            info(string.Create(CultureInfo.InvariantCulture, $"{set.Count} unlabelled tracks ({set.TotalFrames / StoneFrontEnd.FrameRate / 60:F1} min)"));
        }
        StoneLabelledData? keyed = null;
        if (labelled.Count > 0)
        {
            keyed = new StoneLabelledData();
            var cqtCache = new StoneCqtCache(settings.CacheDir, settings.MaxSecondsPerTrack);
            int minFrames = options.LabelledExcerptFrames > 0 ? options.LabelledExcerptFrames : 8;
            foreach (var l in labelled)
            {
                int added = keyed.AddFolder(l, cqtCache, minFrames, warn,
                    (n, total) => { if (n % 20 == 0) info($"prepared {n}/{total} labelled tracks of {l}"); }, cancellationToken);
                info($"{l}: {added} labelled tracks");
            }
            if (keyed.Count == 0) throw new GrooveException($"no labelled track is at least {options.LabelledExcerptFrames / StoneFrontEnd.FrameRate:F1} s long");
            int minor = keyed.Keys.Count(k => k.Mode == KeyMode.Minor);
            info(string.Create(CultureInfo.InvariantCulture,
                $"{keyed.Count} labelled tracks ({keyed.TotalFrames / StoneFrontEnd.FrameRate / 60:F1} min, {keyed.Count - minor} major, {minor} minor)"));
        }
        info(string.Create(CultureInfo.InvariantCulture, $"model {trainer.Net.ParameterCount()} parameters, {model.Outputs} outputs"));
        using var log = new TrainingLog(Path.Combine(dir, "log.tsv"), trainer.Loop.Step);
        bool done = trainer.Train(set, keyed, log, info, cancellationToken);
        var trained = trainer.ToModel();
        var weights = Path.Combine(dir, "stone.safetensors");
        var extra = new Dictionary<string, string> { ["train.completed_steps"] = trainer.Loop.Step.ToString(CultureInfo.InvariantCulture) };
        if (settings.Init != null && initModel != null) extra["train.init"] = settings.Init;
        trained.Save(weights, extra);
        info($"{(done ? "finished" : "stopped")} at step {trainer.Loop.Step}: checkpoint {trainer.Loop.CheckpointPath}, weights {weights} (calibration offset {trained.CalibrationOffset}{(keyed != null ? ", from the labels" : "")})");
        return done;
    }

    private static StoneTrainingData LoadData(List<string> files, string cacheDir, double maxSeconds, int minFrames,
        Action<string> info, Action<string> warn, Func<Exception, string> describe, CancellationToken ct)
    {
        var cache = new StoneCqtCache(cacheDir, maxSeconds);
        var set = new StoneTrainingData();
        int done = 0, failed = 0;
        foreach (var f in files)
        {
            if (ct.IsCancellationRequested) break;
            try
            {
                var cqt = cache.Get(f, out int frames, w => warn($"{f}: {w}"), ct);
                set.Add(f, cqt, frames, minFrames);
            }
            catch (OperationCanceledException) { break; }
            catch (Exception e) { failed++; warn($"{f}: {describe(e)}"); }
            if (++done % 20 == 0) info($"prepared {done}/{files.Count} tracks");
        }
        if (failed > 0) info($"{failed} tracks could not be read");
        return set;
    }
}
