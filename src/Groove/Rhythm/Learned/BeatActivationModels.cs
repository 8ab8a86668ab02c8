using Groove.Models;
using Groove.Nn;
using Groove.Rhythm.ZeroNoteSamba;

namespace Groove.Rhythm.Learned;

/// <summary>
/// Resolves a model specification to a factory of <see cref="IBeatActivationModel"/>s: a kind name ("bigru": fresh
/// weights from the seed) or a path to weights saved by a model's <c>Save</c> (each instance starts from them).
/// </summary>
public static class BeatActivationModels
{
    /// <summary>Kinds that can be created from scratch.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [BiGruBeatModel.KindName, "zerons", "zerons-heads", "zerons-random"];

    /// <summary>
    /// A factory (seed → model) for <paramref name="spec"/>; <paramref name="learningRate"/>, when given, replaces the
    /// kind's default Adam learning rate (BiGRU 3e-3, Zero-Note Samba fine-tuning 1e-3).
    /// </summary>
    /// <exception cref="GrooveException">Unknown kind, missing/invalid weights file, or a learning rate that is not positive.</exception>
    public static Func<ulong, IBeatActivationModel> Factory(string spec, BiGruBeatOptions? options = null, float? learningRate = null)
    {
        var fineTune = new ZeroNsFineTuneOptions();
        if (learningRate is { } lr)
        {
            if (!(lr > 0 && float.IsFinite(lr))) throw new GrooveException("--lr must be a positive number");
            options = (options ?? new BiGruBeatOptions()) with { LearningRate = lr };
            fineTune = fineTune with { LearningRate = lr };
        }
        var s = spec.Trim();
        if (s.Equals(BiGruBeatModel.KindName, StringComparison.OrdinalIgnoreCase))
            return seed => new BiGruBeatModel(seed, options);
        // Zero-Note Samba: the shipped pretrained network fine-tuned whole ("zerons") or heads only ("zerons-heads"),
        // and the same architecture from random weights ("zerons-random"), the paper's comparison.
        if (s.Equals("zerons-random", StringComparison.OrdinalIgnoreCase))
            return seed => ZeroNsBeatModel.Random(SyncPredNetConfig.Small, seed, fineTune);
        if (s.Equals("zerons", StringComparison.OrdinalIgnoreCase) || s.Equals("zerons-heads", StringComparison.OrdinalIgnoreCase))
        {
            var path = ModelRegistry.Resolve(BeatTrackers.ZeroNsShippedModel);
            var ft = fineTune with { HeadsOnly = s.EndsWith("-heads", StringComparison.OrdinalIgnoreCase) };
            ZeroNsModel.Load(path);
            return seed => ZeroNsBeatModel.Load(path, seed, ft);
        }
        if (s.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || File.Exists(s))
        {
            if (!File.Exists(s)) throw new GrooveException($"{s}: no such model file");
            var (_, meta) = SafeTensors.Load(s);
            if (meta.TryGetValue("groove.model", out var kind) && kind == ZeroNsModel.KindName)
                return seed => ZeroNsBeatModel.Load(s, seed, fineTune);
            BiGruBeatModel.Load(s, 0, options); // validate now: one clear error before any work
            return seed => BiGruBeatModel.Load(s, seed, options);
        }
        throw new GrooveException($"unknown model '{spec}' (choose from: {string.Join(", ", Kinds)}, or a .safetensors file)");
    }
}
