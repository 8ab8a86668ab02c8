namespace Groove.Models;

/// <summary>
/// Finds shipped model files by name ("stone-small" → <c>models/stone-small.safetensors</c>): next to the
/// application (the CLI copies <c>models/</c> to its output folder), then in a <c>models</c> folder of the current
/// directory or any parent of it or of the application folder (a source checkout). A name that is a path to an
/// existing file is used as is.
/// </summary>
public static class ModelRegistry
{
    /// <summary>File extension of model files.</summary>
    public const string Extension = ".safetensors";

    /// <summary>The model file for <paramref name="nameOrPath"/>, or a <see cref="GrooveException"/> naming where it looked.</summary>
    public static string Resolve(string nameOrPath)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath)) throw new GrooveException("empty model name");
        if (File.Exists(nameOrPath)) return Path.GetFullPath(nameOrPath);
        if (nameOrPath.IndexOfAny(['/', '\\']) >= 0 || nameOrPath.EndsWith(Extension, StringComparison.OrdinalIgnoreCase))
            throw new GrooveException($"{nameOrPath}: no such model file");
        var file = nameOrPath + Extension;
        foreach (var dir in SearchFolders())
        {
            var p = Path.Combine(dir, file);
            if (File.Exists(p)) return p;
        }
        var known = Available().ToList();
        throw new GrooveException($"unknown model '{nameOrPath}'" + (known.Count > 0 ? $" (available: {string.Join(", ", known)})" : " (no models found)"));
    }

    /// <summary>Names of the models that can be found.</summary>
    public static IEnumerable<string> Available() =>
        SearchFolders().Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*" + Extension))
            .Select(f => Path.GetFileName(f)[..^Extension.Length])
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    private static IEnumerable<string> SearchFolders()
    {
        yield return Path.Combine(AppContext.BaseDirectory, "models");
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
                yield return Path.Combine(d.FullName, "models");
    }
}
