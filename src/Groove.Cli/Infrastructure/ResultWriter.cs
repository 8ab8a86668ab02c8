using System.Globalization;
using System.Text;
using System.Text.Json;
using Groove.Analysis;
using Groove.IO.Annotations;
using Groove.Rhythm;
using Groove.Tonality;

namespace Groove.Cli.Infrastructure;

/// <summary>
/// Every result the CLI prints or writes, as text or JSON, in one place: beats (<c>.beats</c>, CSV, JSON), the
/// MIREX tempo triple (<c>.bpm</c>), keys (<c>.key</c>, a line, JSON), the <c>analyze</c> summary. JSON goes
/// through <see cref="Json"/> (System.Text.Json's writer, invariant numbers).
/// </summary>
internal static class ResultWriter
{
    private static readonly CultureInfo Ic = CultureInfo.InvariantCulture;

    /// <summary>A JSON document written by <paramref name="write"/>.</summary>
    public static string Json(Action<Utf8JsonWriter> write, bool indented = true)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = indented }))
            write(w);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>"time TAB beat-in-bar" lines to the millisecond; the position column is always written (0 = unknown).</summary>
    public static string BeatsText(BeatTrackingResult r) => BeatAnnotations.Format(r.Beats, decimals: 3, alwaysWritePositions: true);

    public static string BeatsCsv(BeatTrackingResult r)
    {
        var sb = new StringBuilder("time,beat_in_bar\n");
        foreach (var b in r.Beats)
            sb.Append(b.Time.ToString("F3", Ic)).Append(',').Append(b.BeatInBar.ToString(Ic)).Append('\n');
        return sb.ToString();
    }

    /// <summary>One line of JSON: file, model, tempo and the beats (times to the millisecond).</summary>
    public static string BeatsJson(string file, string model, BeatTrackingResult r) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("file", file);
        w.WriteString("model", model);
        w.WriteNumber("tempo", Math.Round(r.Tempo, 2));
        w.WriteStartArray("beats");
        foreach (var b in r.Beats)
        {
            w.WriteStartObject();
            w.WriteNumber("time", Math.Round(b.Time, 3));
            w.WriteNumber("beat", b.BeatInBar);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }, indented: false) + "\n";

    /// <summary>"t1 TAB t2 TAB weight-of-t1" (BPM to 2 decimals), as <c>.bpm</c> files hold it.</summary>
    public static string Tempo(TempoAnnotation t) => string.Create(Ic, $"{t.Tempo1:F2}\t{t.Tempo2:F2}\t{t.Weight:F2}\n");

    /// <summary>The <c>.key</c> file: the key, then <c># confidence</c> and, with <paramref name="withLocal"/>, <c># local</c> comment lines.</summary>
    public static string KeyFile(KeyAnalysis a, bool withLocal)
    {
        var sb = new StringBuilder();
        sb.Append(a.Global.Label).Append('\n');
        sb.Append(string.Create(Ic, $"# confidence {a.Global.Confidence:F3}\n"));
        if (withLocal)
            foreach (var l in a.Local)
                sb.Append(string.Create(Ic, $"# local {l.Start:F2} {l.End:F2} {l.Key} {l.Confidence:F3}\n"));
        return sb.ToString();
    }

    /// <summary>"input TAB key TAB confidence", then the local keys indented.</summary>
    public static string KeyLine(string input, KeyAnalysis a, bool withLocal)
    {
        var sb = new StringBuilder(string.Create(Ic, $"{input}\t{a.Global.Label}\t{a.Global.Confidence:F3}"));
        if (withLocal)
            foreach (var l in a.Local)
                sb.Append(string.Create(Ic, $"\n  {l.Start,7:F2} {l.End,7:F2}  {l.Key,-9} {l.Confidence:F3}"));
        return sb.ToString();
    }

    /// <summary>The key with the method and templates that found it, its 24 probabilities, the tuning and the local-key curve.</summary>
    public static string KeyJson(string input, string method, string profile, KeyAnalysis a, bool indented) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("file", input);
        w.WriteString("key", a.Global.Label);
        if (a.Global.NoKeyReason is { } why) w.WriteString("no_key_reason", why);
        w.WriteNumber("confidence", Math.Round(a.Global.Confidence, 4));
        w.WriteString("method", method);
        w.WriteString("profile", profile);
        w.WriteNumber("tuning_cents", Math.Round(a.TuningSemitones * 100, 1));
        w.WriteStartObject("probabilities");
        for (int i = 0; i < MusicalKey.Count; i++)
            w.WriteNumber(MusicalKey.FromIndex(i).ToString(), Math.Round(a.Global.Scores[i], 5));
        w.WriteEndObject();
        w.WriteStartArray("local");
        foreach (var l in a.Local)
        {
            w.WriteStartObject();
            w.WriteNumber("start", Math.Round(l.Start, 3));
            w.WriteNumber("end", Math.Round(l.End, 3));
            w.WriteString("key", l.Key.ToString());
            w.WriteNumber("confidence", Math.Round(l.Confidence, 4));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }, indented);

    /// <summary><c>groove analyze --json</c>: one line with duration, rate, channels, tempo, key and every beat (times to 0.1 ms).</summary>
    public static string AnalysisJson(string input, AnalysisResult r) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("file", input);
        w.WriteNumber("duration", Math.Round(r.Audio.Duration, 4));
        w.WriteNumber("sample_rate", r.Audio.SampleRate);
        w.WriteNumber("channels", r.Audio.ChannelCount);
        if (r.Beats is { } beats) w.WriteNumber("tempo", Math.Round(beats.Tempo, 3));
        if (r.Key is { } key)
        {
            w.WriteString("key", key.Global.Label);
            if (key.Global.NoKeyReason is { } why) w.WriteString("no_key_reason", why);
            w.WriteNumber("confidence", Math.Round(key.Global.Confidence, 4));
        }
        w.WriteStartArray("beats");
        foreach (var b in r.Beats?.Beats ?? [])
        {
            w.WriteStartObject();
            w.WriteNumber("time", Math.Round(b.Time, 4));
            w.WriteNumber("beat", b.BeatInBar);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }, indented: false) + "\n";

    /// <summary><c>groove analyze</c>'s summary of one file.</summary>
    public static string Summary(string input, AnalysisResult r)
    {
        var sb = new StringBuilder();
        var audio = r.Audio;
        sb.AppendLine(input);
        sb.AppendLine(string.Create(Ic, $"  duration     {audio.Duration:F2} s"));
        sb.AppendLine(string.Create(Ic, $"  sample rate  {audio.SampleRate} Hz, {audio.ChannelCount} channel(s)"));
        if (r.Beats is { } beats)
        {
            sb.AppendLine(string.Create(Ic, $"  tempo        {beats.Tempo:F1} BPM"));
            sb.AppendLine(string.Create(Ic, $"  beats        {beats.Beats.Count} ({beats.Beats.Count(b => b.IsDownbeat)} downbeats)"));
            if (beats.Beats.Count > 0)
                sb.AppendLine("  first beats  " + string.Join(" ", beats.Beats.Take(8).Select(b => b.Time.ToString("F2", Ic))) + (beats.Beats.Count > 8 ? " ..." : ""));
        }
        if (r.Key is { } key)
            sb.AppendLine(key.Global.HasKey
                ? string.Create(Ic, $"  key          {key.Global.Key} (confidence {key.Global.Confidence:F2})")
                : $"  key          {KeyEstimate.NoKeyLabel} ({key.Global.NoKeyReason})");
        return sb.ToString();
    }

    /// <summary>
    /// <c>groove batch</c>'s result for one track, one line of JSON: the path as listed, duration, rate, channels,
    /// then what <paramref name="tasks"/> asked for: <c>beats</c> (time to 0.1 ms, position in bar), <c>tempo</c>
    /// (the MIREX pair and weight), <c>key</c> (label, confidence, tuning), <c>embed</c> (model and track vector). No
    /// clock time or host in it, so a re-run writes the same bytes.
    /// </summary>
    public static string BatchTrackJson(string listedPath, Batch.BatchTasks tasks, Batch.TrackOutcome outcome) => Json(w =>
    {
        var r = outcome.Analysis;
        w.WriteStartObject();
        w.WriteString("path", listedPath);
        if (r is not null)
        {
            w.WriteNumber("duration", Math.Round(r.Audio.Duration, 4));
            w.WriteNumber("sample_rate", r.Audio.SampleRate);
            w.WriteNumber("channels", r.Audio.ChannelCount);
        }
        else if (outcome.Embedding is { } only) w.WriteNumber("duration", Math.Round(only.DurationSeconds, 4));
        if (tasks.HasFlag(Batch.BatchTasks.Beats) && r?.Beats is { } beats)
        {
            w.WriteStartArray("beats");
            foreach (var b in beats.Beats)
            {
                w.WriteStartArray();
                w.WriteNumberValue(Math.Round(b.Time, 4));
                w.WriteNumberValue(b.BeatInBar);
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
        if (tasks.HasFlag(Batch.BatchTasks.Tempo) && r?.Tempo is { } t)
        {
            w.WriteStartObject("tempo");
            w.WriteNumber("bpm1", Math.Round(t.Tempo1, 2));
            w.WriteNumber("bpm2", Math.Round(t.Tempo2, 2));
            w.WriteNumber("weight", Math.Round(t.Weight, 3));
            w.WriteEndObject();
        }
        if (tasks.HasFlag(Batch.BatchTasks.Key) && r?.Key is { } key)
        {
            w.WriteStartObject("key");
            w.WriteString("key", key.Global.Label);
            if (key.Global.NoKeyReason is { } why) w.WriteString("no_key_reason", why);
            w.WriteNumber("confidence", Math.Round(key.Global.Confidence, 4));
            w.WriteNumber("tuning_cents", Math.Round(key.TuningSemitones * 100, 1));
            w.WriteEndObject();
        }
        if (tasks.HasFlag(Batch.BatchTasks.Embed) && outcome.Embedding is { } e)
        {
            w.WriteStartObject("embed");
            w.WriteString("model", outcome.EmbeddingModel);
            w.WriteStartArray("vector");
            foreach (var v in e.Vector) w.WriteNumberValue(v);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }, indented: false) + "\n";

    /// <summary><c>groove batch</c>'s record of a track that failed: its path as listed and the reason in one line.</summary>
    public static string BatchFailureJson(string listedPath, string reason) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("path", listedPath);
        w.WriteString("error", reason);
        w.WriteEndObject();
    }, indented: false) + "\n";
}
