namespace Groove.Rhythm;

/// <summary>The beat trackers Groove offers, by name (the CLI's <c>--model NAME</c>, the web app, evaluation).</summary>
public static class BeatTrackers
{
    /// <summary>The name used when none is given.</summary>
    public const string DefaultName = "classical";

    /// <summary>All names, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["classical", "ellis"];

    /// <summary>A new tracker for <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="GrooveException">No tracker has that name.</exception>
    public static IBeatTracker Create(string? name = null) => (name ?? DefaultName).Trim().ToLowerInvariant() switch
    {
        "classical" or "default" => new ClassicalBeatTracker(),
        "ellis" or "librosa" => new EllisBeatTracker(),
        var n when n.EndsWith(".safetensors", StringComparison.Ordinal) => Learned.LearnedBeatTracker.Load(name!.Trim()),
        _ => throw new GrooveException($"unknown beat tracker '{name}' (choose from: {string.Join(", ", Names)}, or a trained model's .safetensors file)"),
    };
}
