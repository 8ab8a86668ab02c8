using System.Diagnostics;
using System.Globalization;
using Groove.Embeddings;
using Groove.IO;
using Groove.Nn;

namespace Groove.Training.Tile2Vec;

/// <summary>Settings of a Tile2Vec run.</summary>
public sealed record Tile2VecTrainingOptions
{
    /// <summary>Total optimiser steps.</summary>
    public long Steps { get; init; } = 4000;
    /// <summary>Triplets per step (3 tiles each, one batch through the network).</summary>
    public int Batch { get; init; } = 16;
    /// <summary>Adam learning rate before decay.</summary>
    public float LearningRate { get; init; } = 1e-3f;
    /// <summary>Exponential decay: the learning rate is multiplied by this every <see cref="DecayEvery"/> steps.</summary>
    public double DecayGamma { get; init; } = 0.9;
    /// <summary>Steps between decays.</summary>
    public int DecayEvery { get; init; } = 250;
    /// <summary>Triplet margin on squared distances of unit vectors.</summary>
    public float Margin { get; init; } = TripletLoss.DefaultMargin;
    /// <summary>Steps between checkpoints.</summary>
    public int CheckpointEvery { get; init; } = 50;
    /// <summary>Steps between validations.</summary>
    public int ValidateEvery { get; init; } = 100;
    /// <summary>Fixed validation triplets (from held-back recordings).</summary>
    public int ValidationTriplets { get; init; } = 192;
    /// <summary>Seed of initialisation and sampling.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Network shape.</summary>
    public Tile2VecConfig Model { get; init; } = Tile2VecConfig.Small;

    internal Dictionary<string, string> ToMetadata()
    {
        var ic = CultureInfo.InvariantCulture;
        return new Dictionary<string, string>(Model.ToMetadata())
        {
            ["train.steps"] = Steps.ToString(ic), ["train.batch"] = Batch.ToString(ic), ["train.lr"] = LearningRate.ToString("R", ic),
            ["train.decay_gamma"] = DecayGamma.ToString("R", ic), ["train.decay_every"] = DecayEvery.ToString(ic),
            ["train.margin"] = Margin.ToString("R", ic), ["train.seed"] = Seed.ToString(ic),
        };
    }
}

/// <summary>
/// Trains a <see cref="Tile2VecNet"/> with the Tile2Vec triplet loss (<see cref="TripletLoss"/>; Jean et al. 2018)
/// on temporal-proximity triplets of unlabelled audio (<see cref="TripletSampler"/>; Jansen et al. 2018), with Adam
/// and an exponentially decaying learning rate, resumably through <see cref="ResumableTraining"/>. Validation
/// measures the triplet accuracy (anchor closer to neighbour than to distant tile) on fixed triplets of held-back
/// recordings and keeps the best weights. Files in the run folder: <c>checkpoint.safetensors</c>, <c>log.tsv</c>,
/// <c>validation.tsv</c>, <c>best.safetensors</c>, <c>last.safetensors</c>.
/// </summary>
public sealed class Tile2VecTrainer
{
    private readonly Tile2VecTrainingOptions _o;
    private readonly Rng _initRng, _dataRng;
    private readonly string _dir;

    /// <summary>The network being trained.</summary>
    public Tile2VecNet Net { get; }
    /// <summary>The optimisation loop.</summary>
    public ResumableTraining Loop { get; }
    /// <summary>Path of the best weights.</summary>
    public string BestPath => Path.Combine(_dir, "best.safetensors");

    public Tile2VecTrainer(Tile2VecTrainingOptions options, string outDir)
    {
        if (options.Steps < 1 || options.Batch < 2 || options.CheckpointEvery < 1 || options.ValidateEvery < 1 || options.ValidationTriplets < 1 || options.DecayEvery < 1)
            throw new GrooveException("steps, intervals and validation triplets must be positive and the batch at least 2");
        if (!(options.LearningRate > 0) || !(options.DecayGamma > 0 && options.DecayGamma <= 1)) throw new GrooveException("the learning rate must be positive and the decay in (0, 1]");
        _o = options;
        _dir = outDir;
        _initRng = new Rng(options.Seed);
        _dataRng = new Rng(options.Seed * 7919 + 5);
        Net = new Tile2VecNet(options.Model, _initRng);
        Loop = new ResumableTraining(Path.Combine(outDir, "checkpoint.safetensors"), Net, new Adam(Net, options.LearningRate),
            new Dictionary<string, Rng> { ["data"] = _dataRng, ["init"] = _initRng }, new ExponentialSchedule(options.DecayGamma, options.DecayEvery))
        {
            CheckpointEvery = options.CheckpointEvery,
            ClipPerParameter = 5f,
            Metadata = options.ToMetadata(),
            ValidateEvery = 0,
        };
    }

    /// <summary>Loss of one batch of triplets (training mode).</summary>
    public Tensor BatchLoss(TripletSampler data, IReadOnlyList<TileTriplet> triplets)
    {
        int b = triplets.Count;
        var z = Net.Forward(data.Batch(triplets));
        return TripletLoss.Compute(z.Narrow(0, 0, b), z.Narrow(0, b, b), z.Narrow(0, 2 * b, b), _o.Margin);
    }

    /// <summary>Triplet accuracy and mean loss over fixed triplets, in evaluation mode.</summary>
    public (double Accuracy, double Loss) Validate(TripletSampler data, IReadOnlyList<TileTriplet> triplets)
    {
        bool training = Net.Training;
        Net.Eval();
        try
        {
            using var _ = GradMode.Inference();
            double right = 0, loss = 0;
            for (int i = 0; i < triplets.Count; i += _o.Batch)
            {
                var part = triplets.Skip(i).Take(_o.Batch).ToList();
                int b = part.Count;
                var z = Net.Forward(data.Batch(part));
                var (a, n, d) = (z.Narrow(0, 0, b), z.Narrow(0, b, b), z.Narrow(0, 2 * b, b));
                right += TripletLoss.Accuracy(a, n, d) * b;
                loss += TripletLoss.Compute(a, n, d, _o.Margin).Item() * b;
            }
            return (right / triplets.Count, loss / triplets.Count);
        }
        finally { Net.Train(training); }
    }

    /// <summary>Runs (or continues) training; returns true when all steps are done, false when cancelled.</summary>
    public bool Train(TripletSampler train, TripletSampler? validation, TrainingLog? log, Action<string>? progress, CancellationToken cancellationToken)
    {
        if (train.Count < 2) throw new GrooveException("training needs at least two recordings of 5 s or more");
        var valTriplets = validation is { Count: >= 2 } ? validation.Fixed(_o.ValidationTriplets, 0x711E) : null;
        Directory.CreateDirectory(_dir);
        var valLog = Path.Combine(_dir, "validation.tsv");
        double best = ReadBest();
        var sw = Stopwatch.StartNew();
        long started = Loop.Step;
        double avg = double.NaN;
        if (valTriplets != null && Loop.Step == 0 && !File.Exists(valLog))
        {
            var (acc0, l0) = Validate(validation!, valTriplets);
            AppendValidation(valLog, 0, acc0, l0);
            progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"validation at step 0: triplet accuracy {acc0:F3}  loss {l0:F4}"));
        }
        var batch = new TileTriplet[_o.Batch];
        return Loop.Run(_o.Steps, _ =>
        {
            for (int i = 0; i < batch.Length; i++) batch[i] = train.Sample(_dataRng);
            return BatchLoss(train, batch);
        }, (step, loss, lr) =>
        {
            avg = double.IsNaN(avg) ? loss : 0.98 * avg + 0.02 * loss;
            log?.Write(step, loss, lr, sw.Elapsed.TotalSeconds);
            if (step % 10 == 0 || step == _o.Steps)
            {
                double rate = sw.Elapsed.TotalSeconds / Math.Max(step - started, 1);
                progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"step {step}/{_o.Steps}  loss {loss:F4}  avg {avg:F4}  lr×{lr:F3}  {rate:F2} s/step  {sw.Elapsed.TotalSeconds:F0} s"));
            }
            if (valTriplets != null && (step % _o.ValidateEvery == 0 || step == _o.Steps))
            {
                var (acc, vl) = Validate(validation!, valTriplets);
                AppendValidation(valLog, step, acc, vl);
                bool better = acc > best;
                if (better)
                {
                    best = acc;
                    SafeTensors.Save(BestPath, Net.StateDict(), Metadata(step, acc));
                }
                progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"validation at step {step}: triplet accuracy {acc:F3}  loss {vl:F4}{(better ? "  (best, kept)" : $"  (best {best:F3})")}"));
            }
        }, cancellationToken);
    }

    /// <summary>Metadata stored with saved weights.</summary>
    public Dictionary<string, string> Metadata(long step, double validationAccuracy)
    {
        var m = _o.ToMetadata();
        m["train.completed_steps"] = step.ToString(CultureInfo.InvariantCulture);
        if (!double.IsNaN(validationAccuracy)) m["train.validation_triplet_accuracy"] = validationAccuracy.ToString("R", CultureInfo.InvariantCulture);
        return m;
    }

    private double ReadBest()
    {
        if (!File.Exists(BestPath)) return double.NegativeInfinity;
        var (_, meta) = SafeTensors.Load(BestPath);
        return meta.TryGetValue("train.validation_triplet_accuracy", out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v : double.NegativeInfinity;
    }

    private static void AppendValidation(string path, long step, double accuracy, double loss)
    {
        if (!File.Exists(path)) File.WriteAllText(path, "step\ttriplet_accuracy\tloss\n");
        File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"{step}\t{accuracy:R}\t{loss:R}\n"));
    }

    /// <summary>Reads the network shape stored in a checkpoint (null when absent).</summary>
    public static Tile2VecConfig? ReadCheckpointConfig(string checkpointPath)
    {
        var (_, meta) = SafeTensors.Load(checkpointPath);
        return meta.ContainsKey("user.tile2vec.width") || meta.ContainsKey("tile2vec.width") ? Tile2VecConfig.FromMetadata(meta, checkpointPath) : null;
    }

    /// <summary>
    /// Loads the middle <see cref="TripletSampler.MaxFrames"/> frames' worth of each file into the training or the validation
    /// sampler (a file goes to validation when its name hashes into the held-back share), grouped by the folder they
    /// are in; unreadable files are
    /// reported through <paramref name="warn"/> and skipped. Returns the number of failures.
    /// </summary>
    public static int LoadCorpus(IReadOnlyList<string> files, TripletSampler train, TripletSampler validation, int validationPercent,
        Action<string>? progress, Action<string>? warn, CancellationToken cancellationToken)
    {
        var features = new LogMelTiles();
        int done = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        foreach (var f in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var signal = LogMelTiles.LoadAudio(f);
                int keep = Math.Min(signal.Length, (train.MaxFrames + 1) * 160);
                var mid = signal.AsSpan((signal.Length - keep) / 2, keep);
                var logMel = features.Compute(mid);
                bool held = HeldBack(f, validationPercent);
                // The group (for same-group negatives) is the folder the file is in: a package of the Debian corpus, an album.
                var group = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(f)));
                if (!(held ? validation : train).Add(Path.GetFileName(f), logMel, group)) warn?.Invoke($"{f}: shorter than one 5 s tile, skipped");
            }
            catch (Exception e) when (e is GrooveException or IOException or InvalidDataException) { failed++; warn?.Invoke($"{f}: {e.Message}"); }
            if (++done % 50 == 0 || done == files.Count)
                progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"loaded {done}/{files.Count} files: {train.Count} training, {validation.Count} validation ({clock.Elapsed.TotalSeconds:F0} s)"));
        }
        return failed;
    }

    /// <summary>Whether a file is held back for validation (a stable hash of its name).</summary>
    public static bool HeldBack(string path, int percent) =>
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("tile2vec|" + Path.GetFileName(path)))[0] * 100 / 256 < percent;
}
