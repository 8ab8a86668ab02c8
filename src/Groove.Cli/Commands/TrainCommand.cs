using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Groove.Cli.Infrastructure;
using Groove.Models;
using Groove.Tonality.Stone;
using Groove.Training;
using Groove.IO.Datasets;
using Groove.Training.Stone;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove train stone --data DIR_OR_LIST --out DIR [--steps N] [--batch B] [--excerpt-seconds S] [--resume]</c>:
/// self-supervised training of a STONE key-signature model; with <c>--modes 2</c> a 24-output model (key signature
/// and mode), with <c>--labelled DIR</c> (repeatable; DIR/audio + DIR/key) Semi-TONE (or sup-TONE without
/// <c>--data</c>), with <c>--init FILE</c> starting from a trained model's trunk. Writes <c>checkpoint.safetensors</c> every
/// <c>--checkpoint-every</c> steps and on Ctrl-C/SIGTERM, <c>log.tsv</c>, and the final weights
/// <c>stone.safetensors</c>; <c>--resume</c> continues from the checkpoint bit-exactly.
/// </summary>
internal static class TrainCommand
{
    private static readonly string[] AudioExtensions = [".wav", ".ogg", ".oga", ".mp3", ".flac", ".opus", ".m4a", ".aiff", ".aif"];

    public static Command Create()
    {
        var cmd = new Command("train", "Train models on unlabelled music");
        cmd.Subcommands.Add(Stone());
        cmd.Subcommands.Add(TrainCalibrateCommand.Create());
        return cmd;
    }

    private static Command Stone()
    {
        var data = new Option<string?>("--data") { Description = "Unlabelled audio: a folder (searched recursively) or a text file listing files (one path per line, relative to the list's folder); optional with --labelled" };
        var outDir = new Option<string>("--out", "-o") { Description = "Run folder (checkpoint, log, weights)", DefaultValueFactory = _ => "runs/stone" };
        var steps = new Option<long>("--steps") { Description = "Total optimiser steps", DefaultValueFactory = _ => 2000 };
        var batch = new Option<int>("--batch") { Description = "Tracks per batch (3 excerpts each)", DefaultValueFactory = _ => 8 };
        var excerpt = new Option<double>("--excerpt-seconds") { Description = "Excerpt length (the paper uses 15 s)", DefaultValueFactory = _ => 5 };
        var width = new Option<int>("--width") { Description = "ChromaNet channels (with --init or --resume the size comes from that model)", DefaultValueFactory = _ => 16 };
        var lr = new Option<float>("--lr") { Description = "Peak learning rate (AdamW)", DefaultValueFactory = _ => 1e-3f };
        var omega = new Option<int>("--omega") { Description = "Circle of the loss: 7 (fifths) or 1 (semitones)", DefaultValueFactory = _ => 7 };
        var every = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints", DefaultValueFactory = _ => 50 };
        var maxSeconds = new Option<double>("--max-seconds-per-track") { Description = "Keep at most this much (the middle) of each track", DefaultValueFactory = _ => 120 };
        var cache = new Option<string?>("--cache") { Description = "CQT cache folder (default ~/.cache/groove/stone-cqt)" };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1UL };
        var resume = new Option<bool>("--resume") { Description = "Continue from the run folder's checkpoint" };
        var modes = new Option<int>("--modes") { Description = "1 = key signature (12 outputs), 2 = key signature and mode (24 outputs)", DefaultValueFactory = _ => 1 };
        var labelledDirs = new Option<string[]>("--labelled") { Description = "Dataset folder with keys (DIR/audio/<name>.wav + DIR/key/<name>.key); repeatable. Makes the run semi-supervised (Semi-TONE), or supervised without --data", Arity = ArgumentArity.ZeroOrMore };
        var labelledBatch = new Option<int?>("--labelled-batch") { Description = "Labelled excerpts per step (default: --batch)" };
        var labelledWeight = new Option<float>("--labelled-weight") { Description = "Weight of the labelled cross-entropy", DefaultValueFactory = _ => 1f };
        var labelledExcerpt = new Option<double?>("--labelled-excerpt-seconds") { Description = "Labelled excerpt length (default: --excerpt-seconds; 0 = whole tracks up to --max-seconds-per-track)" };
        var modeWeight = new Option<float>("--mode-weight") { Description = "Weight of the self-supervised mode loss (--modes 2)", DefaultValueFactory = _ => 1.5f };
        var init = new Option<string?>("--init") { Description = "Start the trunk from a trained STONE model (e.g. stone-small or a run's stone.safetensors); its size is used, the head is new" };
        var cmd = new Command("stone", "Key model from unlabelled and/or labelled music (STONE / Semi-TONE, Kong et al. ISMIR 2024)")
        {
            data, outDir, steps, batch, excerpt, width, lr, omega, every, maxSeconds, cache, seed, resume,
            modes, labelledDirs, labelledBatch, labelledWeight, labelledExcerpt, modeWeight, init,
        };
        cmd.SetAction(parse =>
        {
            try
            {
                int w = parse.GetValue(omega);
                if (w is not (1 or 7)) throw new GrooveException($"--omega must be 7 or 1, not {w}");
                int m = parse.GetValue(modes);
                if (m is not (1 or 2)) throw new GrooveException($"--modes must be 1 or 2, not {m}");
                var dataArg = parse.GetValue(data);
                var labelled = parse.GetValue(labelledDirs) ?? [];
                if (dataArg is null && labelled.Length == 0) throw new GrooveException("give --data (unlabelled audio) or --labelled (a dataset folder with keys), or both");
                foreach (var l in labelled)
                    if (!Directory.Exists(l)) throw new GrooveException($"{l}: no such folder (--labelled takes a dataset folder with audio/ and key/)");
                var dir = parse.GetValue(outDir)!;
                bool resuming = parse.GetValue(resume);
                var checkpoint = Path.Combine(dir, "checkpoint.safetensors");
                var model = new ChromaNetConfig { Width = parse.GetValue(width), Modes = m };
                int labelOffset = 0;
                StoneModel? initModel = null;
                var initArg = parse.GetValue(init);
                if (resuming && File.Exists(checkpoint))
                {
                    // The checkpoint knows the network size and the label convention it was started with.
                    var (saved, savedOffset) = StoneTrainer.ReadCheckpointSettings(checkpoint);
                    if (saved != null && saved.Modes != m) throw new GrooveException($"{checkpoint} is a {saved.Outputs}-output model: resume it with --modes {saved.Modes}");
                    model = saved ?? model;
                    labelOffset = savedOffset ?? 0;
                    if (initArg != null) Reporter.Warning("--init is ignored when resuming (the checkpoint holds the weights)");
                }
                else if (initArg != null)
                {
                    initModel = StoneModel.Load(ModelRegistry.Resolve(initArg));
                    model = initModel.Net.Config with { Modes = m };
                    labelOffset = initModel.CalibrationOffset;
                }
                var options = new StoneTrainingOptions
                {
                    Steps = parse.GetValue(steps), Batch = parse.GetValue(batch), ExcerptSeconds = parse.GetValue(excerpt),
                    LearningRate = parse.GetValue(lr), Omega = w / 12.0, CheckpointEvery = parse.GetValue(every),
                    Seed = parse.GetValue(seed), Model = model, ModeWeight = parse.GetValue(modeWeight),
                    Labelled = labelled.Length > 0, LabelledBatch = parse.GetValue(labelledBatch) ?? parse.GetValue(batch),
                    LabelledWeight = parse.GetValue(labelledWeight), LabelledExcerptSeconds = parse.GetValue(labelledExcerpt),
                    MaxLabelledSeconds = parse.GetValue(maxSeconds), LabelOffset = labelOffset,
                };
                var files = dataArg != null ? ListAudio(dataArg) : null;
                var trainer = new StoneTrainer(options, dir);
                if (File.Exists(trainer.Loop.CheckpointPath) && !resuming)
                    throw new GrooveException($"{trainer.Loop.CheckpointPath} exists: pass --resume to continue it or choose another --out");
                if (resuming && trainer.Loop.TryResume() is null) Reporter.Warning($"no checkpoint in {dir}: starting from scratch");
                else if (resuming) Console.Error.WriteLine($"resuming at step {trainer.Loop.Step}");
                if (initModel != null)
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"trunk from {initArg}: {trainer.InitFrom(initModel)} tensors (width {model.Width}, {model.Stages} stages), new {model.Outputs}-output head, label offset {labelOffset}"));

                using var cts = new CancellationTokenSource();
                ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
                Console.CancelKeyPress += onCancel;
                using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
                try
                {
                    var cacheDir = parse.GetValue(cache) ?? DefaultCache();
                    StoneTrainingData? set = null;
                    if (files != null)
                    {
                        set = LoadData(files, cacheDir, parse.GetValue(maxSeconds), options.ExcerptFrames, cts.Token);
                        if (cts.IsCancellationRequested) { Console.Error.WriteLine("stopped while preparing data"); return 130; }
                        if (set.Count == 0) throw new GrooveException($"{dataArg}: no track is at least {options.ExcerptSeconds:G} s long");
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{set.Count} unlabelled tracks ({set.TotalFrames / StoneFrontEnd.FrameRate / 60:F1} min)"));
                    }
                    StoneLabelledData? keyed = null;
                    if (labelled.Length > 0)
                    {
                        keyed = new StoneLabelledData();
                        var cqtCache = new StoneCqtCache(cacheDir, parse.GetValue(maxSeconds));
                        int minFrames = options.LabelledExcerptFrames > 0 ? options.LabelledExcerptFrames : 8;
                        foreach (var l in labelled)
                        {
                            int added = keyed.AddFolder(l, cqtCache, minFrames, Reporter.Warning,
                                (n, total) => { if (n % 20 == 0) Console.Error.WriteLine($"prepared {n}/{total} labelled tracks of {l}"); }, cts.Token);
                            Console.Error.WriteLine($"{l}: {added} labelled tracks");
                        }
                        if (keyed.Count == 0) throw new GrooveException($"no labelled track is at least {options.LabelledExcerptFrames / StoneFrontEnd.FrameRate:F1} s long");
                        int minor = keyed.Keys.Count(k => k.Mode == Groove.KeyMode.Minor);
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{keyed.Count} labelled tracks ({keyed.TotalFrames / StoneFrontEnd.FrameRate / 60:F1} min, {keyed.Count - minor} major, {minor} minor)"));
                    }
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model {trainer.Net.ParameterCount()} parameters, {model.Outputs} outputs"));
                    using var log = new TrainingLog(Path.Combine(dir, "log.tsv"), trainer.Loop.Step);
                    bool done = trainer.Train(set, keyed, log, Console.Error.WriteLine, cts.Token);
                    var trained = trainer.ToModel();
                    var weights = Path.Combine(dir, "stone.safetensors");
                    var extra = new Dictionary<string, string> { ["train.completed_steps"] = trainer.Loop.Step.ToString(CultureInfo.InvariantCulture) };
                    if (initArg != null && initModel != null) extra["train.init"] = initArg;
                    trained.Save(weights, extra);
                    Console.Error.WriteLine($"{(done ? "finished" : "stopped")} at step {trainer.Loop.Step}: checkpoint {trainer.Loop.CheckpointPath}, weights {weights} (calibration offset {trained.CalibrationOffset}{(keyed != null ? ", from the labels" : "")})");
                    return done ? 0 : 130;
                }
                finally { Console.CancelKeyPress -= onCancel; }
            }
            catch (Exception e) { return Reporter.Fatal(e); }
        });
        return cmd;
    }

    internal static string DefaultCache() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "groove", "stone-cqt");

    internal static List<string> ListAudio(string dataArg)
    {
        List<string> files;
        if (Directory.Exists(dataArg))
            files = Directory.EnumerateFiles(dataArg, "*", SearchOption.AllDirectories)
                .Where(f => AudioExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToList();
        else if (File.Exists(dataArg))
        {
            // Relative paths in a list file are relative to the list file's folder.
            var baseDir = Path.GetDirectoryName(Path.GetFullPath(dataArg))!;
            files = File.ReadAllLines(dataArg).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
                .Select(l => Path.GetFullPath(l, baseDir)).ToList();
        }
        else throw new GrooveException($"{dataArg}: no such folder or list file");
        if (files.Count == 0) throw new GrooveException($"{dataArg}: no audio files");
        return files;
    }

    private static StoneTrainingData LoadData(List<string> files, string cacheDir, double maxSeconds, int minFrames, CancellationToken ct)
    {
        var cache = new StoneCqtCache(cacheDir, maxSeconds);
        var set = new StoneTrainingData();
        int done = 0, failed = 0;
        foreach (var f in files)
        {
            if (ct.IsCancellationRequested) break;
            try
            {
                var cqt = cache.Get(f, out int frames, w => Reporter.Warning($"{f}: {w}"), ct);
                set.Add(f, cqt, frames, minFrames);
            }
            catch (OperationCanceledException) { break; }
            catch (Exception e) { failed++; Reporter.Warning($"{f}: {Reporter.Describe(e)}"); }
            if (++done % 20 == 0) Console.Error.WriteLine($"prepared {done}/{files.Count} tracks");
        }
        if (failed > 0) Console.Error.WriteLine($"{failed} tracks could not be read");
        return set;
    }
}
