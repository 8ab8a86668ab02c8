using System.Globalization;
using System.Text;

namespace Groove.Rhythm;

/// <summary>
/// Renders beats as a standalone SVG: the waveform's envelope on top, the beat activation below, a thin line per
/// beat and a thick red line per downbeat, with a time axis in seconds.
/// </summary>
public static class BeatPlot
{
    public static string Svg(ReadOnlySpan<float> mono, int sampleRate, BeatTrackingResult result, string? title = null, int width = 1600)
    {
        const int waveTop = 30, waveHeight = 160, actTop = 210, actHeight = 120, axisY = 345, height = 370;
        double duration = sampleRate > 0 ? (double)mono.Length / sampleRate : 0;
        if (result.Activation.Length > 0 && result.FramesPerSecond > 0)
            duration = Math.Max(duration, result.Activation.Length / result.FramesPerSecond);
        if (result.Beats.Count > 0) duration = Math.Max(duration, result.Beats[^1].Time);
        if (!(duration > 0)) duration = 1;
        var ic = CultureInfo.InvariantCulture;
        string X(double t) => (t / duration * width).ToString("F1", ic);
        var sb = new StringBuilder();
        sb.Append(ic, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        var heading = $"{title ?? "beats"} — {result.Beats.Count} beats, {result.Tempo:F1} BPM";
        sb.Append(ic, $"<text x=\"4\" y=\"16\">{System.Security.SecurityElement.Escape(heading)}</text>\n");

        // Waveform: min/max per pixel column.
        if (mono.Length > 0)
        {
            var path = new StringBuilder();
            double mid = waveTop + waveHeight / 2.0;
            for (int px = 0; px < width; px++)
            {
                long a = (long)((double)px / width * duration * sampleRate), b = (long)((double)(px + 1) / width * duration * sampleRate);
                a = Math.Clamp(a, 0, mono.Length); b = Math.Clamp(Math.Max(b, a + 1), 0, mono.Length);
                if (a >= b) continue;
                float lo = 0, hi = 0;
                for (long i = a; i < b; i++) { lo = Math.Min(lo, mono[(int)i]); hi = Math.Max(hi, mono[(int)i]); }
                path.Append(ic, $"M{px} {mid - hi * waveHeight / 2:F1}V{mid - lo * waveHeight / 2 + 0.5:F1}");
            }
            sb.Append(ic, $"<path d=\"{path}\" stroke=\"#4a6fa5\" stroke-width=\"1\"/>\n");
        }

        // Activation.
        if (result.Activation.Length > 0)
        {
            var act = result.Activation;
            float max = 0;
            foreach (var v in act) max = Math.Max(max, v);
            if (max <= 0) max = 1;
            var pts = new StringBuilder();
            int step = Math.Max(1, act.Length / (2 * width));
            for (int i = 0; i < act.Length; i += step)
            {
                float v = 0;
                for (int j = i; j < Math.Min(act.Length, i + step); j++) v = Math.Max(v, act[j]);
                pts.Append(ic, $"{X(i / result.FramesPerSecond)},{actTop + actHeight - v / max * actHeight:F1} ");
            }
            sb.Append(ic, $"<polyline points=\"{pts}\" fill=\"none\" stroke=\"#2a9d8f\" stroke-width=\"1\"/>\n");
            sb.Append(ic, $"<text x=\"4\" y=\"{actTop + 12}\" fill=\"#2a9d8f\">activation</text>\n");
        }

        // Beats and downbeats.
        foreach (var beat in result.Beats)
        {
            bool down = beat.IsDownbeat;
            sb.Append(ic, $"<line x1=\"{X(beat.Time)}\" x2=\"{X(beat.Time)}\" y1=\"{waveTop}\" y2=\"{actTop + actHeight}\" stroke=\"{(down ? "#d62828" : "#555")}\" stroke-width=\"{(down ? 2 : 0.8)}\" opacity=\"{(down ? 0.9 : 0.6)}\"/>\n");
        }

        // Time axis.
        sb.Append(ic, $"<line x1=\"0\" x2=\"{width}\" y1=\"{axisY}\" y2=\"{axisY}\" stroke=\"black\"/>\n");
        double tick = duration > 120 ? 10 : duration > 30 ? 5 : 1;
        for (double t = 0; t <= duration; t += tick)
            sb.Append(ic, $"<line x1=\"{X(t)}\" x2=\"{X(t)}\" y1=\"{axisY}\" y2=\"{axisY + 5}\" stroke=\"black\"/><text x=\"{X(t)}\" y=\"{axisY + 18}\" text-anchor=\"{(t == 0 ? "start" : t + tick > duration ? "end" : "middle")}\">{t:0}</text>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }
}
