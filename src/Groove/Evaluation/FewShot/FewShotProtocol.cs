using System.Diagnostics;
using Groove.Evaluation.Beats;
using Groove.Nn;
using Groove.Rhythm;
using Groove.Rhythm.Learned;

namespace Groove.Evaluation.FewShot;

/// <summary>
/// Few-shot beat-tracking evaluation after Desblancs, Lostanlen &amp; Hennequin, "Zero-Note Samba: Self-supervised
/// beat tracking", IEEE/ACM TASLP 2023 (few-shot fine-tuning experiments): for each training-set size k and each run, k
/// labelled tracks are drawn from a training pool, a beat-activation model is trained (or fine-tuned from pretrained
/// weights) on them with early stopping on the validation tracks' F-measure, and the kept weights are scored on a fixed
/// test set. Activations are decoded with the DBN (<see cref="DbnBeatDecoder"/>) and scored with mir_eval's
/// F-measure, CMLt and AMLt (<see cref="BeatEvaluation"/>). Deterministic for a given seed: every random choice
/// (split, training tracks, initialisation, excerpts) comes from <see cref="Rng"/>s derived from it.
/// </summary>
public static class FewShotProtocol
{
    /// <summary>
    /// Runs the protocol with <paramref name="options"/> on <paramref name="tracks"/> (features computed by the models'
    /// <see cref="BeatFeatures"/>); <paramref name="modelFactory"/> maps a seed to a model to train (fresh, or loaded from
    /// pretrained weights), reported as <paramref name="modelName"/>; <paramref name="progress"/> gets each finished run
    /// and its model with the kept (best-validation) weights, e.g. to save them.
    /// </summary>
    public static FewShotReport Run(IReadOnlyList<FewShotTrack> tracks, Func<ulong, IBeatActivationModel> modelFactory,
        string modelName, FewShotOptions options, Action<FewShotRunResult, IBeatActivationModel>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        int testCount = options.TestCount ?? Math.Max(1, (int)Math.Round(0.3 * tracks.Count));
        var split = FewShotSplit.Create(tracks.Count, testCount, options.ValidationCount, Mix(options.Seed, 0x5917));
        int largest = options.Sizes.Max();
        if (largest > split.Pool.Count)
            throw new GrooveException($"training size {largest} exceeds the pool of {split.Pool.Count} tracks ({tracks.Count} tracks − {testCount} test − {options.ValidationCount} validation)");

        var test = split.Test.Select(i => tracks[i]).ToList();
        var validation = split.Validation.Select(i => tracks[i]).ToList();
        var runs = new List<FewShotRunResult>();
        foreach (int k in options.Sizes.Distinct())
            for (int r = 0; r < options.Runs; r++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (result, model) = RunOne(tracks, split, test, validation, modelFactory, options, k, r, cancellationToken);
                runs.Add(result);
                progress?.Invoke(result, model);
            }
        return new FewShotReport(modelName, options, Names(tracks, split.Test), Names(tracks, split.Validation),
            Names(tracks, split.Pool), runs);
    }

    private static (FewShotRunResult, IBeatActivationModel) RunOne(IReadOnlyList<FewShotTrack> tracks, FewShotSplit split, List<FewShotTrack> test,
        List<FewShotTrack> validation, Func<ulong, IBeatActivationModel> modelFactory, FewShotOptions options, int k, int run,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        ulong runSeed = Mix(options.Seed, (ulong)k, (ulong)run);
        var rng = new Rng(runSeed);
        var trainIdx = split.SampleTraining(k, rng);
        var train = trainIdx.Select(i => tracks[i]).ToList();
        var model = modelFactory(Mix(runSeed, 1));
        var decoder = new DbnBeatDecoder(model.Features.FramesPerSecond);

        int bestEpoch = 0, steps = 0;
        double bestF = Score(model, validation, decoder, cancellationToken).F;
        if (k > 0)
        {
            var best = model.Snapshot();
            int frames = Math.Min((int)Math.Round(options.ExcerptSeconds * model.Features.FramesPerSecond), train.Min(t => t.Frames));
            int bands = model.Features.Bands, batch = options.BatchSize, stale = 0;
            var x = new float[batch * frames * bands];
            var y = new float[batch * frames];
            for (int epoch = 1; epoch <= options.Epochs && stale < options.Patience; epoch++)
            {
                for (int s = 0; s < options.StepsPerEpoch; s++, steps++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    for (int b = 0; b < batch; b++)
                    {
                        var t = train[rng.NextInt(train.Count)];
                        int start = rng.NextInt(t.Frames - frames + 1);
                        t.Features.AsSpan(start * bands, frames * bands).CopyTo(x.AsSpan(b * frames * bands));
                        t.Targets.AsSpan(start, frames).CopyTo(y.AsSpan(b * frames));
                    }
                    model.TrainStep(x, y, batch, frames);
                }
                double f = Score(model, validation, decoder, cancellationToken).F;
                if (f > bestF) { bestF = f; bestEpoch = epoch; best = model.Snapshot(); stale = 0; }
                else stale++;
            }
            model.Restore(best);
        }
        var (testF, cmlt, amlt) = Score(model, test, decoder, cancellationToken);
        return (new FewShotRunResult(k, run, train.Select(t => t.Name).ToList(), bestEpoch, steps, bestF, testF, cmlt, amlt,
            clock.Elapsed.TotalSeconds), model);
    }

    /// <summary>Mean mir_eval F-measure, CMLt and AMLt of the model's DBN-decoded beats over <paramref name="tracks"/>.</summary>
    internal static (double F, double Cmlt, double Amlt) Score(IBeatActivationModel model, IReadOnlyList<FewShotTrack> tracks,
        DbnBeatDecoder decoder, CancellationToken cancellationToken = default)
    {
        double f = 0, cmlt = 0, amlt = 0;
        foreach (var t in tracks)
        {
            var estimate = decoder.Decode(model.Predict(t.Features, t.Frames), cancellationToken);
            var scores = BeatEvaluation.EvaluateTimes(t.Beats, estimate);
            f += scores[BeatEvaluation.FMeasure];
            cmlt += scores[BeatEvaluation.Cmlt];
            amlt += scores[BeatEvaluation.Amlt];
        }
        int n = Math.Max(tracks.Count, 1);
        return (f / n, cmlt / n, amlt / n);
    }

    private static IReadOnlyList<string> Names(IReadOnlyList<FewShotTrack> tracks, IReadOnlyList<int> idx) =>
        idx.Select(i => tracks[i].Name).ToList();

    /// <summary>SplitMix64-style mixing of a seed with run coordinates.</summary>
    internal static ulong Mix(ulong seed, params ulong[] values)
    {
        ulong h = seed;
        foreach (var v in values) h = Finalise(h ^ Finalise(v + 0x9E3779B97F4A7C15UL));
        return Finalise(h);

        static ulong Finalise(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
