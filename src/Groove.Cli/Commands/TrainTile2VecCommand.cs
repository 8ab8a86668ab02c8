using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Groove.Cli.Infrastructure;
using Groove.Embeddings;
using Groove.Training;
using Groove.Training.Tile2Vec;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove train tile2vec --data DIR --out RUN [--steps N] [--batch B] [--width W] [--depth D] [--resume]</c>:
/// Tile2Vec embeddings from unlabelled audio (temporal-proximity triplets, margin loss). Ctrl-C/SIGTERM writes a
/// checkpoint; <c>--resume</c> continues bit-exactly. Files whose name hashes into the held-back share give the
/// validation triplet accuracy, which picks <c>best.safetensors</c>.
/// </summary>
internal static class TrainTile2VecCommand
{
    public static Command Create()
    {
        var d = new Tile2VecTrainingOptions();
        var data = new Option<string>("--data") { Description = "Unlabelled audio: a folder (searched recursively) or a text file listing files", Required = true };
        var outDir = new Option<string>("--out", "-o") { Description = "Run folder (checkpoint, logs, weights)", DefaultValueFactory = _ => "runs/tile2vec" };
        var steps = new Option<long>("--steps") { Description = "Total optimiser steps", DefaultValueFactory = _ => d.Steps };
        var batch = new Option<int>("--batch") { Description = "Triplets per step", DefaultValueFactory = _ => d.Batch };
        var lr = new Option<float>("--lr") { Description = "Adam learning rate before decay", DefaultValueFactory = _ => d.LearningRate };
        var gamma = new Option<double>("--decay") { Description = "Learning-rate factor applied every --decay-every steps", DefaultValueFactory = _ => d.DecayGamma };
        var decayEvery = new Option<int>("--decay-every") { Description = "Steps between learning-rate decays", DefaultValueFactory = _ => d.DecayEvery };
        var margin = new Option<float>("--margin") { Description = "Triplet margin (squared distances of unit vectors)", DefaultValueFactory = _ => d.Margin };
        var width = new Option<double>("--width") { Description = "Width multiplier of ResNet-18's channels", DefaultValueFactory = _ => d.Model.Width };
        var depth = new Option<double>("--depth") { Description = "Depth multiplier of ResNet-18's two blocks per stage", DefaultValueFactory = _ => d.Model.Depth };
        var dim = new Option<int>("--dim") { Description = "Embedding length", DefaultValueFactory = _ => d.Model.Dimension };
        var every = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints", DefaultValueFactory = _ => d.CheckpointEvery };
        var validateEvery = new Option<int>("--validate-every") { Description = "Steps between validations", DefaultValueFactory = _ => d.ValidateEvery };
        var valTriplets = new Option<int>("--val-triplets") { Description = "Fixed validation triplets", DefaultValueFactory = _ => d.ValidationTriplets };
        var seconds = new Option<int>("--seconds-per-file") { Description = "Seconds kept from the middle of each file", DefaultValueFactory = _ => 60 };
        var maxFiles = new Option<int?>("--max-files") { Description = "Use only this many files (a fixed pseudo-random subset)" };
        var held = new Option<int>("--val-percent") { Description = "Percentage of files held back for validation", DefaultValueFactory = _ => 10 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => d.Seed };
        var resume = new Option<bool>("--resume") { Description = "Continue from the run folder's checkpoint" };
        var sameFile = new Option<double>("--same-file") { Description = "Share of training negatives taken far away in the anchor's own file (validation keeps random other files)", DefaultValueFactory = _ => 0 };
        var sameGroup = new Option<double>("--same-group") { Description = "Share of training negatives taken from another file of the anchor's folder (package, album)", DefaultValueFactory = _ => 0 };
        var groupPositive = new Option<double>("--group-positive") { Description = "Share of training neighbours taken from another file of the anchor's folder (package, album), the distant tile then from another folder", DefaultValueFactory = _ => 0 };
        var cmd = new Command("tile2vec", "Audio embeddings from unlabelled music (Tile2Vec, Jean et al. 2018; temporal triplets, Jansen et al. 2018)")
        {
            data, outDir, steps, batch, lr, gamma, decayEvery, margin, width, depth, dim, every, validateEvery, valTriplets, seconds, maxFiles, held, seed, resume, sameFile, sameGroup, groupPositive,
        };
        cmd.SetAction(parse =>
        {
            try
            {
                var dir = parse.GetValue(outDir)!;
                var checkpoint = Path.Combine(dir, "checkpoint.safetensors");
                var config = new Tile2VecConfig { Width = parse.GetValue(width), Depth = parse.GetValue(depth), Dimension = parse.GetValue(dim) };
                if (!(config.Width > 0) || !(config.Depth > 0) || config.Dimension < 2) throw new GrooveException("--width and --depth must be positive and --dim at least 2");
                bool resuming = parse.GetValue(resume);
                if (resuming && File.Exists(checkpoint)) config = Tile2VecTrainer.ReadCheckpointConfig(checkpoint) ?? config;
                else if (File.Exists(checkpoint)) throw new GrooveException($"{checkpoint} exists: pass --resume to continue it or choose another --out");
                int valPercent = parse.GetValue(held);
                if (valPercent is < 1 or > 50) throw new GrooveException($"--val-percent must be between 1 and 50, not {valPercent}");
                int secs = parse.GetValue(seconds);
                if (secs < 6) throw new GrooveException("--seconds-per-file must be at least 6");
                var options = new Tile2VecTrainingOptions
                {
                    Steps = parse.GetValue(steps), Batch = parse.GetValue(batch), LearningRate = parse.GetValue(lr),
                    DecayGamma = parse.GetValue(gamma), DecayEvery = parse.GetValue(decayEvery), Margin = parse.GetValue(margin),
                    CheckpointEvery = parse.GetValue(every), ValidateEvery = parse.GetValue(validateEvery),
                    ValidationTriplets = parse.GetValue(valTriplets), Seed = parse.GetValue(seed), Model = config,
                };
                var files = Groove.IO.AudioFileNames.Find(parse.GetValue(data)!);
                files = files.OrderBy(f => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFileName(f)))), StringComparer.Ordinal).ToList();
                if (parse.GetValue(maxFiles) is int m)
                {
                    if (m < 2) throw new GrooveException("--max-files must be at least 2");
                    files = files.Take(m).ToList();
                }
                var trainer = new Tile2VecTrainer(options, dir);
                if (resuming && trainer.Loop.TryResume() is null) Reporter.Warning($"no checkpoint in {dir}: starting from scratch");
                else if (resuming) Console.Error.WriteLine($"resuming at step {trainer.Loop.Step}");

                using var signals = new StopSignals();
                {
                    var train = new TripletSampler(secs * LogMelTiles.FramesPerSecond, sameFileFraction: parse.GetValue(sameFile), sameGroupFraction: parse.GetValue(sameGroup),
                        groupPositiveFraction: parse.GetValue(groupPositive));
                    var validation = new TripletSampler(secs * LogMelTiles.FramesPerSecond);
                    int failed;
                    try { failed = Tile2VecTrainer.LoadCorpus(files, train, validation, valPercent, Console.Error.WriteLine, w => Reporter.Warning(w), signals.Token); }
                    catch (OperationCanceledException) { Console.Error.WriteLine("stopped while loading audio"); return 130; }
                    if (failed > 0) Console.Error.WriteLine($"{failed} files could not be read");
                    if (train.Count < 2) throw new GrooveException($"{parse.GetValue(data)}: fewer than two training files of 5 s or more");
                    if (validation.Count < 2) Reporter.Warning("fewer than two held-back files: no validation, no best model (raise --val-percent or add files)");
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{train.Count} training files ({train.Frames / 100.0 / 3600:F2} h), {validation.Count} validation files; model {config.Name}: {trainer.Net.ParameterCount()} parameters"));
                    using var log = new TrainingLog(Path.Combine(dir, "log.tsv"), trainer.Loop.Step);
                    bool finished = trainer.Train(train, validation.Count >= 2 ? validation : null, log, Console.Error.WriteLine, signals.Token);
                    var last = Path.Combine(dir, "last.safetensors");
                    Groove.Nn.SafeTensors.Save(last, trainer.Net.StateDict(), trainer.Metadata(trainer.Loop.Step, double.NaN));
                    Console.Error.WriteLine($"{(finished ? "finished" : "stopped")} at step {trainer.Loop.Step}: checkpoint {trainer.Loop.CheckpointPath}, weights {last}" +
                        (File.Exists(trainer.BestPath) ? $", best (validation triplet accuracy) {trainer.BestPath}" : ""));
                    return finished ? 0 : 130;
                }
            }
            catch (Exception e) { return Reporter.Fatal(e); }
        });
        return cmd;
    }
}
