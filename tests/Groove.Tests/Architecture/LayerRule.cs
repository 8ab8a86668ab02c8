using System.Reflection;

namespace Groove.Tests.Architecture;

/// <summary>
/// Ranks namespaces into layers; a type may use types of its own namespace (and its sub-namespaces) and of
/// namespaces in lower layers only: not a namespace of a higher layer, nor a sibling of the same layer.
/// </summary>
internal sealed class LayerRule(IReadOnlyList<(string Namespace, int Layer)> layers)
{
    /// <summary>The library's layers, lowest first (ARCHITECTURE.md, "The layer rule").</summary>
    public static LayerRule Groove { get; } = new(
    [
        ("Groove", 0),                                  // core types: AudioBuffer, Beat, MusicalKey, Rng, GrooveException
        ("Groove.IO", 1), ("Groove.Index", 1), ("Groove.Models", 1),         // file formats (npy, safetensors, annotations, datasets), model lookup
        ("Groove.Audio", 2),
        ("Groove.Dsp", 3),
        ("Groove.Nn", 4),
        ("Groove.Rhythm", 5), ("Groove.Tonality", 5), ("Groove.Embeddings", 5), ("Groove.Corpus", 5),
        ("Groove.Analysis", 6),                         // the one pipeline every app runs
        ("Groove.Evaluation", 7), ("Groove.Training", 7),
    ]);

    /// <summary>The (namespace, layer) entry that owns <paramref name="ns"/>: the longest matching prefix.</summary>
    public (string Namespace, int Layer)? Owner(string? ns)
    {
        if (ns is null) return null;
        (string, int)? best = null;
        foreach (var (name, layer) in layers)
            if ((ns == name || ns.StartsWith(name + ".", StringComparison.Ordinal)) && (best is null || name.Length > best.Value.Item1.Length))
                best = (name, layer);
        return best;
    }

    /// <summary>"User → Used" lines for every dependency of <paramref name="assembly"/>'s types that breaks the rule.</summary>
    public IReadOnlyList<string> Violations(Assembly assembly) =>
        Violations(DependencyScanner.Dependencies(assembly));

    public IReadOnlyList<string> Violations(IEnumerable<(Type User, Type Used)> dependencies)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (user, used) in dependencies)
        {
            if (Owner(user.Namespace) is not { } from || Owner(used.Namespace) is not { } to) continue;
            if (from.Namespace == to.Namespace) continue;
            if (to.Layer < from.Layer) continue;
            found.Add($"{Outer(user).FullName} ({from.Namespace}, layer {from.Layer}) → {Outer(used).FullName} ({to.Namespace}, layer {to.Layer})");
        }
        return found.ToList();
    }

    private static Type Outer(Type t)
    {
        while (t.DeclaringType is { } d) t = d;
        return t;
    }
}
