using System.CommandLine;
using Groove.Cli.Infrastructure;
using Groove.Tonality.Stone;
using Groove.Training;
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
    public static Command Create()
    {
        var cmd = new Command("train", "Train models on unlabelled music");
        cmd.Subcommands.Add(Stone());
        cmd.Subcommands.Add(TrainZeroNsCommand.Create());
        cmd.Subcommands.Add(TrainTile2VecCommand.Create());
        cmd.Subcommands.Add(TrainCalibrateCommand.Create());
        cmd.Subcommands.Add(TrainBeatsCommand.Create());
        return cmd;
    }

    private static Command Stone()
    {
        var defaults = new StoneRunSettings();
        var o = defaults.Options;
        var data = new Option<string?>("--data") { Description = "Unlabelled audio: a folder (searched recursively) or a text file listing files (one path per line, relative to the list's folder); optional with --labelled" };
        var outDir = new Option<string>("--out", "-o") { Description = "Run folder (checkpoint, log, weights)", DefaultValueFactory = _ => defaults.OutDir };
        var steps = new Option<long>("--steps") { Description = "Total optimiser steps", DefaultValueFactory = _ => o.Steps };
        var batch = new Option<int>("--batch") { Description = "Tracks per batch (3 excerpts each)", DefaultValueFactory = _ => o.Batch };
        var excerpt = new Option<double>("--excerpt-seconds") { Description = "Excerpt length (the paper uses 15 s)", DefaultValueFactory = _ => o.ExcerptSeconds };
        var width = new Option<int>("--width") { Description = "ChromaNet channels (with --init or --resume the size comes from that model)", DefaultValueFactory = _ => o.Model.Width };
        var lr = new Option<float>("--lr") { Description = "Peak learning rate (AdamW)", DefaultValueFactory = _ => o.LearningRate };
        var omega = new Option<int>("--omega") { Description = "Circle of the loss: 7 (fifths) or 1 (semitones)", DefaultValueFactory = _ => (int)Math.Round(o.Omega * 12) };
        var every = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints", DefaultValueFactory = _ => o.CheckpointEvery };
        var maxSeconds = new Option<double>("--max-seconds-per-track") { Description = "Keep at most this much (the middle) of each track", DefaultValueFactory = _ => defaults.MaxSecondsPerTrack };
        var cache = new Option<string?>("--cache") { Description = $"CQT cache folder (default {StoneRunSettings.DefaultCacheDir})" };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => o.Seed };
        var resume = new Option<bool>("--resume") { Description = "Continue from the run folder's checkpoint" };
        var modes = new Option<int>("--modes") { Description = "1 = key signature (12 outputs), 2 = key signature and mode (24 outputs)", DefaultValueFactory = _ => o.Model.Modes };
        var labelledDirs = new Option<string[]>("--labelled") { Description = "Dataset folder with keys (DIR/audio/<name>.wav + DIR/key/<name>.key); repeatable. Makes the run semi-supervised (Semi-TONE), or supervised without --data", Arity = ArgumentArity.ZeroOrMore };
        var labelledBatch = new Option<int?>("--labelled-batch") { Description = "Labelled excerpts per step (default: --batch)" };
        var labelledWeight = new Option<float>("--labelled-weight") { Description = "Weight of the labelled cross-entropy", DefaultValueFactory = _ => o.LabelledWeight };
        var labelledExcerpt = new Option<double?>("--labelled-excerpt-seconds") { Description = "Labelled excerpt length (default: --excerpt-seconds; 0 = whole tracks up to --max-seconds-per-track)" };
        var modeWeight = new Option<float>("--mode-weight") { Description = "Weight of the self-supervised mode loss (--modes 2)", DefaultValueFactory = _ => o.ModeWeight };
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
                var settings = new StoneRunSettings
                {
                    Data = parse.GetValue(data), Labelled = parse.GetValue(labelledDirs) ?? [], OutDir = parse.GetValue(outDir)!,
                    Resume = parse.GetValue(resume), Init = parse.GetValue(init), MaxSecondsPerTrack = parse.GetValue(maxSeconds),
                    CacheDir = parse.GetValue(cache) ?? StoneRunSettings.DefaultCacheDir,
                    Options = new StoneTrainingOptions
                    {
                        Steps = parse.GetValue(steps), Batch = parse.GetValue(batch), ExcerptSeconds = parse.GetValue(excerpt),
                        LearningRate = parse.GetValue(lr), Omega = w / 12.0, CheckpointEvery = parse.GetValue(every),
                        Seed = parse.GetValue(seed), Model = new ChromaNetConfig { Width = parse.GetValue(width), Modes = m },
                        ModeWeight = parse.GetValue(modeWeight), LabelledBatch = parse.GetValue(labelledBatch) ?? parse.GetValue(batch),
                        LabelledWeight = parse.GetValue(labelledWeight), LabelledExcerptSeconds = parse.GetValue(labelledExcerpt),
                    },
                };
                using var signals = new StopSignals();
                return StoneTrainingRun.Run(settings, Console.Error.WriteLine, Reporter.Warning, Reporter.Describe, signals.Token) ? 0 : 130;
            }
            catch (Exception e) { return Reporter.Fatal(e); }
        });
        return cmd;
    }
}
