using System.Text.Json;

namespace Groove.IO.Annotations;

/// <summary>
/// Reads beat, tempo and key annotations from JAMS files (B. McFee et al., "JAMS: a JSON annotated music
/// specification for reproducible MIR research", ISMIR 2014). The first annotation of the wanted namespace is used:
/// <c>beat</c> (value: position in bar or null) or <c>beat_position</c> (value.position) for beats, <c>tempo</c>
/// (value: BPM, confidence: weight) and <c>key_mode</c> ("C:major", "N"). Observations may be a list of
/// {time, duration, value, confidence} objects or, as older files store them, an object of parallel arrays.
/// </summary>
public static class JamsAnnotations
{
    private sealed record Observation(double Time, double Duration, JsonElement Value, JsonElement Confidence);

    public static List<Beat> ReadBeats(string path)
    {
        var (ns, observations) = FirstAnnotation(path, "beat", "beat_position");
        var beats = new List<Beat>(observations.Count);
        foreach (var o in observations)
        {
            int position = 0;
            var v = o.Value;
            if (ns == "beat_position" && v.ValueKind == JsonValueKind.Object && v.TryGetProperty("position", out var p) && p.TryGetDouble(out var pd))
                position = (int)Math.Round(pd);
            else if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d == Math.Round(d) && d >= 0)
                position = (int)d;
            beats.Add(new Beat(o.Time, position));
        }
        beats.Sort((a, b) => a.Time.CompareTo(b.Time));
        return beats;
    }

    public static TempoAnnotation ReadTempo(string path)
    {
        var (_, observations) = FirstAnnotation(path, "tempo");
        var tempi = new List<(double Bpm, double Weight)>();
        foreach (var o in observations)
        {
            if (o.Value.ValueKind != JsonValueKind.Number) continue;
            double w = o.Confidence.ValueKind == JsonValueKind.Number ? o.Confidence.GetDouble() : double.NaN;
            tempi.Add((o.Value.GetDouble(), w));
        }
        if (tempi.Count == 0) throw new GrooveException($"{path}: the tempo annotation has no numeric values");
        if (tempi.Count == 1) return TempoAnnotations.FromValues([tempi[0].Bpm], path);
        double weight = double.IsFinite(tempi[0].Weight) && double.IsFinite(tempi[1].Weight) && tempi[0].Weight + tempi[1].Weight > 0
            ? tempi[0].Weight / (tempi[0].Weight + tempi[1].Weight)
            : 0.5;
        return TempoAnnotations.FromValues([tempi[0].Bpm, tempi[1].Bpm, weight], path);
    }

    public static MusicalKey? ReadKey(string path)
    {
        var (_, observations) = FirstAnnotation(path, "key_mode", "key");
        foreach (var o in observations)
            if (o.Value.ValueKind == JsonValueKind.String)
            {
                var label = o.Value.GetString()!;
                try { return KeyNames.Parse(label); }
                catch (GrooveException e) { throw new GrooveException($"{path}: {e.Message}"); }
            }
        throw new GrooveException($"{path}: the key annotation has no label");
    }

    private static (string Namespace, List<Observation> Observations) FirstAnnotation(string path, params string[] namespaces)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllBytes(path)); }
        catch (FileNotFoundException) { throw new GrooveException($"{path}: no such file"); }
        catch (DirectoryNotFoundException) { throw new GrooveException($"{path}: no such file"); }
        catch (JsonException e) { throw new GrooveException($"{path}: not valid JSON ({e.Message})"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("annotations", out var annotations)
                || annotations.ValueKind != JsonValueKind.Array)
                throw new GrooveException($"{path}: not a JAMS file (no \"annotations\" list)");
            foreach (var wanted in namespaces)
                foreach (var a in annotations.EnumerateArray())
                {
                    if (a.ValueKind != JsonValueKind.Object || !a.TryGetProperty("namespace", out var ns) || ns.GetString() != wanted) continue;
                    if (!a.TryGetProperty("data", out var data)) continue;
                    return (wanted, Observations(data, path));
                }
            throw new GrooveException($"{path}: no {string.Join(" or ", namespaces)} annotation in this JAMS file");
        }
    }

    private static List<Observation> Observations(JsonElement data, string path)
    {
        var result = new List<Observation>();
        if (data.ValueKind == JsonValueKind.Array)
        {
            foreach (var o in data.EnumerateArray())
                result.Add(new Observation(Number(o, "time", path), Number(o, "duration", path),
                    o.TryGetProperty("value", out var v) ? v.Clone() : default,
                    o.TryGetProperty("confidence", out var c) ? c.Clone() : default));
        }
        else if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("time", out var times) && times.ValueKind == JsonValueKind.Array)
        {
            var t = times.EnumerateArray().ToList();
            var d = Column(data, "duration");
            var v = Column(data, "value");
            var c = Column(data, "confidence");
            for (int i = 0; i < t.Count; i++)
                result.Add(new Observation(t[i].GetDouble(), i < d.Count && d[i].ValueKind == JsonValueKind.Number ? d[i].GetDouble() : 0,
                    i < v.Count ? v[i].Clone() : default, i < c.Count ? c[i].Clone() : default));
        }
        else throw new GrooveException($"{path}: unreadable JAMS annotation data");
        return result;
    }

    private static List<JsonElement> Column(JsonElement data, string name) =>
        data.TryGetProperty(name, out var col) && col.ValueKind == JsonValueKind.Array ? col.EnumerateArray().ToList() : [];

    private static double Number(JsonElement o, string name, string path)
    {
        if (o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        if (name == "duration") return 0;
        throw new GrooveException($"{path}: a JAMS observation lacks a numeric \"{name}\"");
    }
}
