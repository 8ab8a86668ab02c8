using System.CommandLine;
using System.Globalization;
using Groove.Cli.Infrastructure;
using Groove.Evaluation.Beats;
using Groove.Rhythm.Learned;
using Groove.Training;
using Groove.Training.Beats;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove train beats --data DIR --out RUN [--model tcn|gru] [--steps N] [--resume]</c>: supervised beat, downbeat
/// (and, for the TCN, tempo) network (<see cref="BeatNetTrainer"/>) on <c>groove corpus render</c>'s audio
/// (DIR/train, validated on DIR/validation). Writes <c>checkpoint.safetensors</c> (resumable bit-exactly),
/// <c>log.tsv</c>, <c>best.safetensors</c> (the model with the best validation beat F, a file <c>groove beats --model</c>
/// takes) and <c>beat-net.safetensors</c> (the last weights).
/// </summary>
internal static class TrainBeatsCommand
{
    public static Command Create()
    {
        var d = new BeatNetTrainingOptions();
        var data = new Option<string>("--data") { Description = "groove corpus render's folder (its train/ and validation/ dataset folders)", Required = true };
        var outDir = new Option<string>("--out", "-o") { Description = "Run folder", Required = true };
        var model = new Option<string>("--model") { Description = "tcn (multi-task TCN, Böck & Davies) or gru (bidirectional GRU)", DefaultValueFactory = _ => "tcn" };
        var init = new Option<string?>("--init") { Description = "zerons: start from the Zero-Note Samba front end (not implemented yet)" };
        var steps = new Option<long>("--steps") { Description = "Total optimiser steps", DefaultValueFactory = _ => d.Steps };
        var batch = new Option<int>("--batch") { Description = "Excerpts per step", DefaultValueFactory = _ => d.Batch };
        var excerpt = new Option<double>("--excerpt-seconds") { Description = "Excerpt length", DefaultValueFactory = _ => d.ExcerptSeconds };
        var lr = new Option<float>("--lr") { Description = "Peak learning rate (Adam, warm-up then cosine)", DefaultValueFactory = _ => d.LearningRate };
        var width = new Option<int?>("--width") { Description = "TCN channels (default 16) or GRU units per direction (default 20)" };
        var layers = new Option<int?>("--layers") { Description = "TCN dilated blocks (default 10) or GRU layers (default 3)" };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => d.Seed };
        var every = new Option<int>("--validate-every") { Description = "Steps between validations (an epoch)", DefaultValueFactory = _ => d.ValidateEvery };
        var ckpt = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints", DefaultValueFactory = _ => d.CheckpointEvery };
        var maxTrain = new Option<int>("--max-train") { Description = "Use at most this many training clips, spread evenly over the name order (0 = all)", DefaultValueFactory = _ => 0 };
        var maxVal = new Option<int>("--max-validation") { Description = "Validate on at most this many clips (spread evenly over the name order)", DefaultValueFactory = _ => 40 };
        var resume = new Option<bool>("--resume") { Description = "Continue from the run folder's checkpoint" };
        var cmd = new Command("beats", "Supervised beat, downbeat and tempo network on rendered audio (groove corpus render)")
        {
            data, outDir, model, init, steps, batch, excerpt, lr, width, layers, seed, every, ckpt, maxTrain, maxVal, resume,
        };
        cmd.SetAction(parse =>
        {
            try
            {
                var kind = parse.GetValue(model)!;
                if (kind is not ("tcn" or "gru")) throw new GrooveException($"--model must be tcn or gru, not '{kind}'");
                if (parse.GetValue(init) is { } i)
                    throw new GrooveException(i == "zerons" ? "--init zerons is not implemented yet: train from random weights" : $"unknown --init '{i}' (only zerons is planned)");
                var root = parse.GetValue(data)!;
                var dir = parse.GetValue(outDir)!;
                var config = new BeatNetConfig
                {
                    Kind = kind, Width = parse.GetValue(width) ?? (kind == "tcn" ? 16 : 20), Layers = parse.GetValue(layers) ?? (kind == "tcn" ? 10 : 3),
                };
                var checkpoint = Path.Combine(dir, "checkpoint.safetensors");
                bool resuming = parse.GetValue(resume);
                if (File.Exists(checkpoint) && !resuming) throw new GrooveException($"{checkpoint} exists: pass --resume to continue it or choose another --out");
                if (resuming && File.Exists(checkpoint))
                {
                    config = BeatNetTrainer.ReadCheckpointConfig(checkpoint);
                }
                var options = new BeatNetTrainingOptions
                {
                    Model = config, Steps = parse.GetValue(steps), Batch = parse.GetValue(batch), ExcerptSeconds = parse.GetValue(excerpt),
                    LearningRate = parse.GetValue(lr), Seed = parse.GetValue(seed), ValidateEvery = parse.GetValue(every), CheckpointEvery = parse.GetValue(ckpt),
                };
                using var signals = new StopSignals();
                {
                    var features = new BeatFeatures(config.FramesPerSecond, config.Bands);
                    var info = (Action<string>)Console.Error.WriteLine;
                    var train = BeatTrainingData.Load(Path.Combine(root, "train"), features, parse.GetValue(maxTrain), Reporter.Warning,
                        (n, total) => { if (n % 100 == 0) info($"features of {n}/{total} training clips"); }, signals.Token);
                    var valDir = Path.Combine(root, "validation");
                    var validation = Directory.Exists(Path.Combine(valDir, "audio"))
                        ? BeatTrainingData.Load(valDir, features, parse.GetValue(maxVal), Reporter.Warning, null, signals.Token) : [];
                    if (signals.StopRequested) { info("stopped while preparing data"); return 130; }
                    info(string.Create(CultureInfo.InvariantCulture,
                        $"{train.Count} training clips ({train.Sum(c => c.Frames) / (double)config.FramesPerSecond / 3600:F2} h), {validation.Count} validation clips"));
                    Directory.CreateDirectory(dir);
                    Func<BeatNetModel, double>? validate = validation.Count == 0 ? null : m => BeatNetTrainer.Validate(m, validation, Score);
                    var trainer = new BeatNetTrainer(options, dir, validate);
                    if (resuming && trainer.Loop.TryResume() is not null) info($"resuming at step {trainer.Loop.Step} (best validation beat F {trainer.Loop.BestScore:F4})");
                    info($"{kind}: {trainer.Network.ParameterCount()} parameters");
                    using var log = new TrainingLog(Path.Combine(dir, "log.tsv"), trainer.Loop.Step);
                    bool done = trainer.Train(train, log, info, signals.Token);
                    var last = Path.Combine(dir, "beat-net.safetensors");
                    trainer.Model.Save(last, new Dictionary<string, string> { ["train.step"] = trainer.Loop.Step.ToString(CultureInfo.InvariantCulture) });
                    info($"{(done ? "finished" : "stopped")} at step {trainer.Loop.Step}: last weights {last}, best {Path.Combine(dir, "best.safetensors")}");
                    return done ? 0 : 130;
                }
            }
            catch (Exception e) { return Reporter.Fatal(e); }
        });
        return cmd;
    }

    /// <summary>Beat F-measure (±70 ms) with the first 5 s ignored, as mir_eval.</summary>
    private static double Score(double[] reference, double[] estimate) =>
        MadmomBeatMetrics.FMeasure(MadmomBeatMetrics.Skip(reference, 5), MadmomBeatMetrics.Skip(estimate, 5));
}
