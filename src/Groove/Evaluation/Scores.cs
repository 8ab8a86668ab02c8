namespace Groove.Evaluation;

/// <summary>
/// Named metric values in a fixed order (mir_eval's metric names where mir_eval defines the metric).
/// A metric that does not apply to an input (downbeats without bar positions, say) is absent, never NaN-filled.
/// </summary>
public sealed class Scores : IEnumerable<KeyValuePair<string, double>>
{
    private readonly List<KeyValuePair<string, double>> _items = [];

    public int Count => _items.Count;
    public IEnumerable<string> Names => _items.Select(kv => kv.Key);

    /// <summary>The value of a metric; throws <see cref="KeyNotFoundException"/> when it is absent.</summary>
    public double this[string name] => TryGet(name, out var v) ? v : throw new KeyNotFoundException($"no metric named '{name}'");

    public bool TryGet(string name, out double value)
    {
        foreach (var kv in _items)
            if (kv.Key == name) { value = kv.Value; return true; }
        value = double.NaN;
        return false;
    }

    /// <summary>Adds a metric (names are unique).</summary>
    public Scores Add(string name, double value)
    {
        if (TryGet(name, out _)) throw new ArgumentException($"metric '{name}' already present", nameof(name));
        _items.Add(new(name, value));
        return this;
    }

    public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => _items.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
