namespace Groove.Rhythm;

/// <summary>The beat trackers Groove offers, by name (the CLI's <c>--model NAME</c>, the web app, evaluation).</summary>
public static class BeatTrackers
{
    /// <summary>The name used when none is given.</summary>
    public const string DefaultName = "classical";

    /// <summary>All names, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["classical", "ellis", "zerons", "zerons-paper", "zerons-ft", "zerons-random"];

    /// <summary>The shipped Zero-Note Samba model (<c>models/zerons-small.safetensors</c>).</summary>
    public const string ZeroNsShippedModel = "zerons-small";

    /// <summary>The shipped fine-tuned Zero-Note Samba model (<c>models/zerons-ft.safetensors</c>: pretrained, then
    /// fine-tuned on 5 labelled gtzan20 songs with 3 more for early stopping; see <c>models/zerons-small.md</c>).</summary>
    public const string ZeroNsFineTunedModel = "zerons-ft";

    /// <summary>A tracker from a weights file: a Zero-Note Samba model or a learned (few-shot) activation model.</summary>
    private static IBeatTracker FromFile(string path)
    {
        if (!File.Exists(path)) throw new GrooveException($"{path}: no such model file");
        var (_, meta) = Nn.SafeTensors.Load(path);
        if (Learned.BeatNetModel.Is(meta)) return new Learned.BeatNetTracker(Learned.BeatNetModel.Load(path), Path.GetFileNameWithoutExtension(path));
        return meta.TryGetValue("groove.model", out var kind) && kind == ZeroNoteSamba.ZeroNsModel.KindName
            ? new ZeroNoteSamba.ZeroNsBeatTracker(ZeroNoteSamba.ZeroNsModel.Load(path), "zerons:" + Path.GetFileNameWithoutExtension(path),
                ZeroNoteSamba.ZeroNsDecoding.Default)
            : Learned.LearnedBeatTracker.Load(path);
    }

    /// <summary>A new tracker for <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="GrooveException">No tracker has that name.</exception>
    public static IBeatTracker Create(string? name = null) => (name ?? DefaultName).Trim().ToLowerInvariant() switch
    {
        "classical" or "default" => new ClassicalBeatTracker(),
        "ellis" or "librosa" => new EllisBeatTracker(),
        "zerons" => new ZeroNoteSamba.ZeroNsBeatTracker(ZeroNoteSamba.ZeroNsModel.Load(Models.ModelRegistry.Resolve(ZeroNsShippedModel)), "zerons",
            ZeroNoteSamba.ZeroNsDecoding.Default),
        "zerons-paper" => new ZeroNoteSamba.ZeroNsBeatTracker(ZeroNoteSamba.ZeroNsModel.Load(Models.ModelRegistry.Resolve(ZeroNsShippedModel)), "zerons-paper"),
        "zerons-ft" => new ZeroNoteSamba.ZeroNsBeatTracker(ZeroNoteSamba.ZeroNsModel.Load(Models.ModelRegistry.Resolve(ZeroNsFineTunedModel)), "zerons-ft"),
        "zerons-random" => new ZeroNoteSamba.ZeroNsBeatTracker(
            new ZeroNoteSamba.ZeroNsModel(new ZeroNoteSamba.SyncPredNet(ZeroNoteSamba.SyncPredNetConfig.Small, new Rng(1))), "zerons-random"),
        var n when n.EndsWith(".safetensors", StringComparison.Ordinal) => FromFile(name!.Trim()),
        _ => throw new GrooveException($"unknown beat tracker '{name}' (choose from: {string.Join(", ", Names)}, or a trained model's .safetensors file)"),
    };
}
