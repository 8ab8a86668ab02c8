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
        var input = new Option<string?>("--input") { Description = "mel (log-mel, default) or zerons (percussive + non-percussive log-VQT through a Zero-Note Samba front end, random weights unless --init zerons)" };
        var init = new Option<string?>("--init") { Description = "zerons: the zerons input with its front end started from a pretext-trained Zero-Note Samba network (--zerons-model); or a beat-net .safetensors file to continue from (its size and input are used)" };
        var bars = new Option<string>("--bar-lengths") { Description = "Bar lengths (beats per bar) the model's downbeat decoder tries, saved with it (2,3,4 chosen on rendered validation audio)", DefaultValueFactory = _ => "2,3,4" };
        var zeronsModel = new Option<string>("--zerons-model") { Description = "The pretext-trained network of --init zerons (small size)", DefaultValueFactory = _ => Rhythm.BeatTrackers.ZeroNsShippedModel };
        var freeze = new Option<bool>("--freeze-front-end") { Description = "zerons input: keep the front end's weights as they start (train only the head)" };
        var hop = new Option<int?>("--hop") { Description = "Mel input: hop in samples at 22050 Hz (default 441 = 50 fps for tcn, 512 = 43 fps for gru)" };
        var steps = new Option<long>("--steps") { Description = "Total optimiser steps", DefaultValueFactory = _ => d.Steps };
        var batch = new Option<int>("--batch") { Description = "Excerpts per step", DefaultValueFactory = _ => d.Batch };
        var excerpt = new Option<double>("--excerpt-seconds") { Description = "Excerpt length", DefaultValueFactory = _ => d.ExcerptSeconds };
        var lr = new Option<float>("--lr") { Description = "Peak learning rate (Adam, warm-up then cosine)", DefaultValueFactory = _ => d.LearningRate };
        var width = new Option<int?>("--width") { Description = "TCN channels (default 16) or GRU units per direction (default 20)" };
        var layers = new Option<int?>("--layers") { Description = "TCN dilated blocks (default 10) or bidirectional GRU layers (default 5)" };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => d.Seed };
        var every = new Option<int>("--validate-every") { Description = "Steps between validations (an epoch)", DefaultValueFactory = _ => d.ValidateEvery };
        var ckpt = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints", DefaultValueFactory = _ => d.CheckpointEvery };
        var maxTrain = new Option<int>("--max-train") { Description = "Use at most this many training clips, spread evenly over the name order (0 = all)", DefaultValueFactory = _ => 0 };
        var maxVal = new Option<int>("--max-validation") { Description = "Validate on at most this many clips (spread evenly over the name order)", DefaultValueFactory = _ => 40 };
        var resume = new Option<bool>("--resume") { Description = "Continue from the run folder's checkpoint" };
        var cmd = new Command("beats", "Supervised beat, downbeat and tempo network on rendered audio (groove corpus render)")
        {
            data, outDir, model, input, init, bars, zeronsModel, freeze, hop, steps, batch, excerpt, lr, width, layers, seed, every, ckpt, maxTrain, maxVal, resume,
        };
        cmd.SetAction(parse =>
        {
            try
            {
                var kind = parse.GetValue(model)!;
                if (kind is not ("tcn" or "gru")) throw new GrooveException($"--model must be tcn or gru, not '{kind}'");
                var start = parse.GetValue(init);
                bool fromFile = start is not null && start.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);
                if (!fromFile && start is not (null or "zerons" or "random")) throw new GrooveException($"unknown --init '{start}' (choose zerons, random or a .safetensors beat-net file)");
                var startModel = fromFile ? BeatNetModel.Load(start!) : null;
                var inputKind = parse.GetValue(input) ?? startModel?.Network.Config.Input ?? (start == "zerons" ? BeatNetConfig.ZeroNsInput : BeatNetConfig.MelInput);
                if (inputKind is not (BeatNetConfig.MelInput or BeatNetConfig.ZeroNsInput)) throw new GrooveException($"--input must be mel or zerons, not '{inputKind}'");
                if (start == "zerons" && inputKind != BeatNetConfig.ZeroNsInput) throw new GrooveException("--init zerons needs --input zerons");
                bool frozen = parse.GetValue(freeze);
                if (frozen && inputKind != BeatNetConfig.ZeroNsInput) throw new GrooveException("--freeze-front-end needs --input zerons");
                var root = parse.GetValue(data)!;
                var dir = parse.GetValue(outDir)!;
                var config = new BeatNetConfig
                {
                    Kind = kind, Input = inputKind, FreezeFrontEnd = frozen, Hop = parse.GetValue(hop) ?? (kind == "tcn" ? 441 : 512),
                    Width = parse.GetValue(width) ?? (kind == "tcn" ? 16 : 20), Layers = parse.GetValue(layers) ?? (kind == "tcn" ? 10 : 5),
                };
                if (startModel is not null)
                {
                    if (startModel.Network.Config.Kind != kind) throw new GrooveException($"{start} is a {startModel.Network.Config.Kind} model, not {kind}");
                    config = startModel.Network.Config with { FreezeFrontEnd = frozen };
                }
                if (config.Hop is < 64 or > 4096) throw new GrooveException($"--hop {config.Hop} is outside 64-4096 samples");
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
                    BarLengths = BeatNetModel.ParseBarLengths(parse.GetValue(bars)!, "--bar-lengths"),
                    LearningRate = parse.GetValue(lr), Seed = parse.GetValue(seed), ValidateEvery = parse.GetValue(every), CheckpointEvery = parse.GetValue(ckpt),
                };
                using var signals = new StopSignals();
                {
                    var features = config.CreateFeatures();
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
                    if (start == "zerons")
                    {
                        var path = Models.ModelRegistry.Resolve(parse.GetValue(zeronsModel)!);
                        trainer.Network.ZeroNsFrontEnd!.LoadPretrained(Rhythm.ZeroNoteSamba.ZeroNsModel.Load(path).Net);
                        info($"front end from {path}");
                    }
                    if (startModel is not null)
                    {
                        trainer.Network.LoadStateDict(startModel.Network.StateDict());
                        info($"weights from {start}");
                    }
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
