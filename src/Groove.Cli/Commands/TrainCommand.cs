using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Groove.Cli.Infrastructure;
using Groove.Tonality.Stone;
using Groove.Training;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove train stone --data DIR_OR_LIST --out DIR [--steps N] [--batch B] [--excerpt-seconds S] [--resume]</c>:
/// self-supervised training of a STONE key-signature model. Writes <c>checkpoint.safetensors</c> every
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
        return cmd;
    }

    private static Command Stone()
    {
        var data = new Option<string>("--data") { Description = "Folder of audio files (searched recursively) or a text file listing them (one path per line, relative to the list's folder)", Required = true };
        var outDir = new Option<string>("--out", "-o") { Description = "Run folder (checkpoint, log, weights)", DefaultValueFactory = _ => "runs/stone" };
        var steps = new Option<long>("--steps") { Description = "Total optimiser steps", DefaultValueFactory = _ => 2000 };
        var batch = new Option<int>("--batch") { Description = "Tracks per batch (3 excerpts each)", DefaultValueFactory = _ => 8 };
        var excerpt = new Option<double>("--excerpt-seconds") { Description = "Excerpt length (the paper uses 15 s)", DefaultValueFactory = _ => 5 };
        var width = new Option<int>("--width") { Description = "ChromaNet channels", DefaultValueFactory = _ => 16 };
        var lr = new Option<float>("--lr") { Description = "Peak learning rate (AdamW)", DefaultValueFactory = _ => 1e-3f };
        var omega = new Option<int>("--omega") { Description = "Circle of the loss: 7 (fifths) or 1 (semitones)", DefaultValueFactory = _ => 7 };
        var every = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints", DefaultValueFactory = _ => 50 };
        var maxSeconds = new Option<double>("--max-seconds-per-track") { Description = "Keep at most this much (the middle) of each track", DefaultValueFactory = _ => 120 };
        var cache = new Option<string?>("--cache") { Description = "CQT cache folder (default ~/.cache/groove/stone-cqt)" };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1UL };
        var resume = new Option<bool>("--resume") { Description = "Continue from the run folder's checkpoint" };
        var cmd = new Command("stone", "Self-supervised key-signature model (STONE, Kong et al. ISMIR 2024)")
        {
            data, outDir, steps, batch, excerpt, width, lr, omega, every, maxSeconds, cache, seed, resume,
        };
        cmd.SetAction(parse =>
        {
            try
            {
                int w = parse.GetValue(omega);
                if (w is not (1 or 7)) throw new GrooveException($"--omega must be 7 or 1, not {w}");
                var options = new StoneTrainingOptions
                {
                    Steps = parse.GetValue(steps), Batch = parse.GetValue(batch), ExcerptSeconds = parse.GetValue(excerpt),
                    LearningRate = parse.GetValue(lr), Omega = w / 12.0, CheckpointEvery = parse.GetValue(every),
                    Seed = parse.GetValue(seed), Model = new ChromaNetConfig { Width = parse.GetValue(width) },
                };
                var dir = parse.GetValue(outDir)!;
                var files = ListAudio(parse.GetValue(data)!);
                var trainer = new StoneTrainer(options, dir);
                bool resuming = parse.GetValue(resume);
                if (File.Exists(trainer.Loop.CheckpointPath) && !resuming)
                    throw new GrooveException($"{trainer.Loop.CheckpointPath} exists: pass --resume to continue it or choose another --out");
                if (resuming && trainer.Loop.TryResume() is null) Reporter.Warning($"no checkpoint in {dir}: starting from scratch");
                else if (resuming) Console.Error.WriteLine($"resuming at step {trainer.Loop.Step}");

                using var cts = new CancellationTokenSource();
                ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
                Console.CancelKeyPress += onCancel;
                using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
                try
                {
                    var set = LoadData(files, parse.GetValue(cache) ?? DefaultCache(), parse.GetValue(maxSeconds), options.ExcerptFrames, cts.Token);
                    if (cts.IsCancellationRequested) { Console.Error.WriteLine("stopped while preparing data"); return 130; }
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{set.Count} tracks ({set.TotalFrames / StoneFrontEnd.FrameRate / 60:F1} min), model {trainer.Net.ParameterCount()} parameters"));
                    using var log = new TrainingLog(Path.Combine(dir, "log.tsv"), trainer.Loop.Step);
                    bool done = trainer.Train(set, log, Console.Error.WriteLine, cts.Token);
                    var model = trainer.ToModel();
                    var weights = Path.Combine(dir, "stone.safetensors");
                    model.Save(weights, new Dictionary<string, string> { ["train.completed_steps"] = trainer.Loop.Step.ToString(CultureInfo.InvariantCulture) });
                    Console.Error.WriteLine($"{(done ? "finished" : "stopped")} at step {trainer.Loop.Step}: checkpoint {trainer.Loop.CheckpointPath}, weights {weights} (calibration offset {model.CalibrationOffset})");
                    return done ? 0 : 130;
                }
                finally { Console.CancelKeyPress -= onCancel; }
            }
            catch (Exception e) { return Reporter.Fatal(e); }
        });
        return cmd;
    }

    private static string DefaultCache() =>
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
