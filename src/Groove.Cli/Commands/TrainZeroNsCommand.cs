using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Groove.Cli.Infrastructure;
using Groove.Rhythm.ZeroNoteSamba;
using Groove.Training.ZeroNoteSamba;
using Groove.Training;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove train zerons --data DIR --out RUN [--size small|full] [--steps N] [--resume]</c>: Zero-Note Samba's
/// self-supervised pretext training on unlabelled audio. Builds (or reuses) the excerpt cache first — resumable — then
/// trains; Ctrl-C/SIGTERM writes a checkpoint, <c>--resume</c> continues bit-exactly. Files whose name hashes into the
/// held-back share are used only for the validation loss, which picks <c>best.safetensors</c>.
/// </summary>
internal static class TrainZeroNsCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Unlabelled audio: a folder (searched recursively) or a text file listing files", Required = true };
        var outDir = new Option<string>("--out", "-o") { Description = "Run folder (checkpoint, logs, weights)", DefaultValueFactory = _ => "runs/zerons" };
        var size = new Option<string>("--size") { Description = "Network size: small (CPU budget) or full (the paper's)", DefaultValueFactory = _ => "small" };
        var steps = new Option<long>("--steps") { Description = "Total optimiser steps", DefaultValueFactory = _ => 20000 };
        var lr = new Option<float>("--lr") { Description = "Peak Adam learning rate", DefaultValueFactory = _ => 3e-4f };
        var windows = new Option<int>("--windows") { Description = "Windows per step, from one excerpt (the paper: 16)", DefaultValueFactory = _ => 16 };
        var every = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints", DefaultValueFactory = _ => 50 };
        var validateEvery = new Option<int>("--validate-every") { Description = "Steps between validation-loss measurements", DefaultValueFactory = _ => 200 };
        var valBatches = new Option<int>("--val-batches") { Description = "Fixed validation batches (one excerpt each)", DefaultValueFactory = _ => 24 };
        var cache = new Option<string?>("--cache") { Description = "Excerpt cache folder (default ~/.cache/groove/zerons)" };
        var stems = new Option<string?>("--stems") { Description = "Folder of stems NAME.drums.wav + NAME.other.wav (instead of HPSS)" };
        var perFile = new Option<int>("--excerpts-per-file") { Description = "10-s excerpts drawn per file at most", DefaultValueFactory = _ => 4 };
        var maxFiles = new Option<int?>("--max-files") { Description = "Use only this many files (a fixed pseudo-random subset)" };
        var held = new Option<int>("--val-percent") { Description = "Percentage of files held back for the validation loss", DefaultValueFactory = _ => 10 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1UL };
        var resume = new Option<bool>("--resume") { Description = "Continue from the run folder's checkpoint" };
        var cachedOnly = new Option<bool>("--cached-only") { Description = "Use only files whose excerpts are already cached (while another process builds the rest)" };
        var anchor = new Option<float>("--phase-anchor")
        {
            Description = "Weight of the label-free onset phase anchor added to the synchrony loss (0 = the paper's loss alone)",
            DefaultValueFactory = _ => 0f,
        };
        var snapshots = new Option<int>("--snapshot-every")
        {
            Description = "Steps between weight snapshots kept in RUN/snapshots (0 = none)",
            DefaultValueFactory = _ => 0,
        };
        var score = new Option<string?>("--score")
        {
            Description = "Only print the validation measures (objective, synchrony loss, cosines, anchor loss, lag) of these weights on the held-back files, then exit",
        };
        var prepareOnly = new Option<bool>("--prepare-only") { Description = "Only build the excerpt cache (resumable), then exit" };
        var cmd = new Command("zerons", "Beat model from unlabelled music (Zero-Note Samba, Desblancs et al. TASLP 2023)")
        {
            data, outDir, size, steps, lr, windows, every, validateEvery, valBatches, cache, stems, perFile, maxFiles, held, seed, resume, prepareOnly, cachedOnly, anchor, snapshots, score,
        };
        cmd.SetAction(parse =>
        {
            try
            {
                var dir = parse.GetValue(outDir)!;
                bool resuming = parse.GetValue(resume);
                var scored = parse.GetValue(score) is { } scorePath ? ZeroNsModel.Load(scorePath) : null;
                if (scored != null && resuming) throw new GrooveException("--score and --resume exclude each other");
                var checkpoint = Path.Combine(dir, "checkpoint.safetensors");
                var config = SyncPredNetConfig.Named(parse.GetValue(size)!);
                if (scored != null) config = scored.Net.Config;
                else if (resuming && File.Exists(checkpoint)) config = ZeroNsTrainer.ReadCheckpointConfig(checkpoint) ?? config;
                else if (File.Exists(checkpoint)) throw new GrooveException($"{checkpoint} exists: pass --resume to continue it or choose another --out");
                int valPercent = parse.GetValue(held);
                if (valPercent is < 1 or > 50) throw new GrooveException($"--val-percent must be between 1 and 50, not {valPercent}");
                int excerptsPerFile = parse.GetValue(perFile);
                if (excerptsPerFile < 1) throw new GrooveException("--excerpts-per-file must be at least 1");
                var stemsDir = parse.GetValue(stems);
                if (stemsDir != null && !Directory.Exists(stemsDir)) throw new GrooveException($"{stemsDir}: no such folder (--stems)");
                var options = new ZeroNsTrainingOptions
                {
                    Steps = parse.GetValue(steps), LearningRate = parse.GetValue(lr), Windows = parse.GetValue(windows),
                    CheckpointEvery = parse.GetValue(every), ValidateEvery = parse.GetValue(validateEvery), Seed = parse.GetValue(seed),
                    ValidationBatches = parse.GetValue(valBatches), PhaseAnchorWeight = parse.GetValue(anchor),
                    SnapshotEvery = parse.GetValue(snapshots),
                    Model = config,
                };
                if (!(options.LearningRate > 0)) throw new GrooveException("--lr must be positive");
                if (!(options.PhaseAnchorWeight >= 0) || float.IsInfinity(options.PhaseAnchorWeight)) throw new GrooveException("--phase-anchor must be a finite number ≥ 0");
                if (options.SnapshotEvery < 0) throw new GrooveException("--snapshot-every must be ≥ 0 (0 = no snapshots)");
                var files = Groove.IO.AudioFileNames.Find(parse.GetValue(data)!);
                // A fixed order by name hash: --max-files takes a spread subset, and the held-back share is stable.
                files = files.OrderBy(f => Hash(f), StringComparer.Ordinal).ToList();
                if (parse.GetValue(maxFiles) is int m)
                {
                    if (m < 2) throw new GrooveException("--max-files must be at least 2");
                    files = files.Take(m).ToList();
                }
                var trainer = new ZeroNsTrainer(options, dir);
                if (scored != null) trainer.Net.LoadStateDict(scored.Net.StateDict());
                if (resuming && trainer.Loop.TryResume() is null) Reporter.Warning($"no checkpoint in {dir}: starting from scratch");
                else if (resuming) Console.Error.WriteLine($"resuming at step {trainer.Loop.Step}");

                using var signals = new StopSignals();
                {
                    var excerptCache = new ZeroNsExcerptCache(parse.GetValue(cache) ?? DefaultCache(), options.ExcerptFrames, excerptsPerFile, stemsDir);
                    var train = new ZeroNsTrainingData(excerptCache);
                    var validation = new ZeroNsTrainingData(excerptCache);
                    int done = 0, failed = 0;
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    foreach (var f in files)
                    {
                        if (signals.StopRequested) break;
                        if (parse.GetValue(cachedOnly) && !excerptCache.IsCached(f)) { done++; continue; }
                        try
                        {
                            int k = excerptCache.Ensure(f, w => Reporter.Warning($"{f}: {w}"), signals.Token);
                            (IsHeldBack(f, valPercent) ? validation : train).Add(f, k);
                        }
                        catch (OperationCanceledException) { break; }
                        catch (Exception e) when (e is not OutOfMemoryException) { failed++; Reporter.Warning($"{f}: {Reporter.Describe(e)}"); }
                        if (++done % 10 == 0 || done == files.Count)
                            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                                $"prepared {done}/{files.Count} files: {train.Count} training and {validation.Count} validation excerpts ({clock.Elapsed.TotalSeconds:F0} s)"));
                    }
                    if (signals.StopRequested) { Console.Error.WriteLine("stopped while preparing excerpts (the cache keeps what is done)"); return 130; }
                    if (failed > 0) Console.Error.WriteLine($"{failed} files could not be read");
                    if (parse.GetValue(prepareOnly))
                    {
                        Console.Error.WriteLine($"excerpt cache ready: {train.Count} training and {validation.Count} validation excerpts");
                        return 0;
                    }
                    if (scored != null)
                    {
                        if (validation.Count == 0) throw new GrooveException("no held-back validation excerpt to score on (raise --val-percent or add files)");
                        var v = trainer.Validate(validation, validation.FixedBatches(options.ValidationBatches, options.Windows, options.WindowFrames, ZeroNsTrainer.ValidationSeed));
                        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{Path.GetFileName(parse.GetValue(score))}\tobjective {v.Loss:F4}\tsynchrony {v.Synchrony:F4}\tcos+ {v.Positive:F3}\tcos− {v.Negative:F3}\tanchor {v.Anchor:F4}\tlag {v.Lag:F2}\t({validation.Count} excerpts of {validation.Files} held-back files)"));
                        return 0;
                    }
                    if (train.Count == 0) throw new GrooveException($"{parse.GetValue(data)}: no file gave a training excerpt (files must be at least 11 s long)");
                    if (validation.Count == 0) Reporter.Warning("no held-back validation excerpt: the best model cannot be chosen (raise --val-percent or add files)");
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{train.Count} training excerpts from {train.Files} files, {validation.Count} validation excerpts from {validation.Files} files; model '{config.Name}' {trainer.Net.ParameterCount()} parameters, receptive field {config.ReceptiveField} frames"));
                    using var log = new TrainingLog(Path.Combine(dir, "log.tsv"), trainer.Loop.Step);
                    bool finished = trainer.Train(train, validation.Count > 0 ? validation : null, log, Console.Error.WriteLine, signals.Token);
                    var last = Path.Combine(dir, "last.safetensors");
                    ZeroNsModel.SaveNet(last, trainer.Net, trainer.Metadata(trainer.Loop.Step, double.NaN));
                    Console.Error.WriteLine($"{(finished ? "finished" : "stopped")} at step {trainer.Loop.Step}: checkpoint {trainer.Loop.CheckpointPath}, weights {last}" +
                        (File.Exists(trainer.BestPath) ? $", best (validation loss) {trainer.BestPath}" : ""));
                    return finished ? 0 : 130;
                }
            }
            catch (Exception e) { return Reporter.Fatal(e); }
        });
        return cmd;
    }

    internal static string DefaultCache() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "groove", "zerons");

    private static string Hash(string path) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFileName(path))));

    private static bool IsHeldBack(string path, int percent) =>
        SHA256.HashData(Encoding.UTF8.GetBytes("heldback|" + Path.GetFileName(path)))[0] * 100 / 256 < percent;
}
