namespace Groove.Cli.Infrastructure.Batch;

/// <summary>What <c>groove batch</c> computes for each track.</summary>
[Flags]
internal enum BatchTasks
{
    None = 0,
    /// <summary>Beats and bar positions.</summary>
    Beats = 1,
    /// <summary>The MIREX tempo pair and its weight.</summary>
    Tempo = 2,
    /// <summary>The global key, its confidence and the tuning.</summary>
    Key = 4,
    /// <summary>The track's embedding (Tile2Vec or MFCC statistics, <c>Groove.Embeddings.TrackEmbedder</c>).</summary>
    Embed = 8,
}

/// <summary>Parses and names <see cref="BatchTasks"/>.</summary>
internal static class BatchTaskNames
{
    /// <summary>The names <c>--tasks</c> takes, in the order results are written.</summary>
    public static IReadOnlyList<(string Name, BatchTasks Task)> All { get; } =
        [("beats", BatchTasks.Beats), ("tempo", BatchTasks.Tempo), ("key", BatchTasks.Key), ("embed", BatchTasks.Embed)];

    /// <summary>Parses a comma-separated list ("beats,tempo,key").</summary>
    /// <exception cref="GrooveException">An unknown or empty name.</exception>
    public static BatchTasks Parse(string text)
    {
        var tasks = BatchTasks.None;
        foreach (var word in (text ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            if (word.Length == 0) throw new GrooveException($"--tasks: an empty task name in '{text}' (choose from {Choices})");
            var match = All.FirstOrDefault(t => string.Equals(t.Name, word, StringComparison.OrdinalIgnoreCase));
            if (match.Name is null) throw new GrooveException($"--tasks: unknown task '{word}' (choose from {Choices})");
            tasks |= match.Task;
        }
        return tasks;
    }

    /// <summary>"beats,tempo,key" for the tasks set in <paramref name="tasks"/>, in the canonical order.</summary>
    public static string Format(BatchTasks tasks) => string.Join(',', All.Where(t => tasks.HasFlag(t.Task)).Select(t => t.Name));

    private static string Choices => string.Join(", ", All.Select(t => t.Name));
}
