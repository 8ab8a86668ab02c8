
namespace Groove.IO.Annotations;

/// <summary>
/// Reads tempo annotations: <c>.bpm</c>/<c>.lab</c> text with one tempo ("126.0") or MIREX's "t1 t2 weight"
/// (mir_eval, madmom; a "nan" second tempo means there is none), two tempi without a weight (equal weights),
/// or JAMS files (namespace tempo, the confidences as weights).
/// </summary>
public static class TempoAnnotations
{
    public static TempoAnnotation Read(string path)
    {
        if (path.EndsWith(".jams", StringComparison.OrdinalIgnoreCase)) return JamsAnnotations.ReadTempo(path);
        var values = new List<double>();
        int lastLine = 0;
        foreach (var (line, fields) in AnnotationText.Rows(path))
        {
            lastLine = line;
            foreach (var f in fields) values.Add(AnnotationText.Number(f, path, line));
        }
        if (values.Count == 0) throw new GrooveException($"{path}: no tempo in the file");
        if (values.Count > 3) throw new GrooveException($"{path}:{lastLine}: expected 'tempo' or 'tempo1 tempo2 weight', found {values.Count} numbers");
        return FromValues(values, path);
    }

    internal static TempoAnnotation FromValues(IReadOnlyList<double> values, string path)
    {
        double t1 = values[0];
        double t2 = values.Count > 1 ? values[1] : 0;
        double w = values.Count > 2 ? values[2] : values.Count == 2 ? 0.5 : 1.0;
        if (double.IsNaN(t2)) { t2 = 0; if (values.Count == 2) w = 1; }
        if (!double.IsFinite(t1) || t1 < 0 || !double.IsFinite(t2) || t2 < 0)
            throw new GrooveException($"{path}: tempi must be non-negative numbers");
        if (t1 == 0 && t2 == 0) throw new GrooveException($"{path}: no tempo greater than zero");
        if (!(w >= 0 && w <= 1)) throw new GrooveException($"{path}: tempo weight {w} is not in [0, 1]");
        if (t1 == 0) return new TempoAnnotation(t2, 0, 1); // only the second tempo is given
        return new TempoAnnotation(t1, t2, t2 == 0 ? 1 : w);
    }
}
