using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Groove.Audio;
using Groove.Cli.Infrastructure;
using Groove.IO;
using Groove.Models;
using Groove.Tonality;
using Groove.Tonality.Stone;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove key FILE... [--out DIR] [--method NAME] [--profile NAME] [--local] [--json]</c>: the global key of each
/// file by template matching of a chroma (the library's default <see cref="KeyMethods"/> method unless <c>--method</c>
/// names another or a STONE model). With <c>--out</c> each input writes <c>&lt;name&gt;.key</c>: the key on the first
/// line (readable by mir_eval and <c>groove eval key</c>), then <c># confidence C</c> and, with <c>--local</c>,
/// <c># local START END KEY CONFIDENCE</c> comment lines. <c>--json</c> writes <c>&lt;name&gt;.key.json</c> instead,
/// with the 24 key probabilities and the local-key curve.
/// </summary>
internal static class KeyCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Audio files", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string?>("--out", "-o") { Description = "Write <name>.key (or <name>.key.json) per input into this folder" };
        var method = new Option<string>("--method")
        {
            Description = $"Estimator: {string.Join(", ", KeyMethods.All.Select(m => m.Name))} (classical; default {KeyMethods.DefaultName}), " +
                          "or a STONE model (stone12, stone24, stone-small: as --model)",
            DefaultValueFactory = _ => KeyMethods.DefaultName,
        };
        var profile = new Option<string?>("--profile")
        {
            Description = $"Key templates replacing the method's: {string.Join(", ", KeyProfile.All.Select(p => p.Name))}",
        };
        var local = new Option<bool>("--local") { Description = "Also report the key over time (8 s windows every 2 s; from --profile, also with --model)" };
        var json = new Option<bool>("--json") { Description = "JSON output with the 24 key probabilities and the local-key curve" };
        var force = new Option<bool>("--force") { Description = "Redo inputs whose output exists" };
        var model = new Option<string?>("--model") { Description = "Key from a trained STONE model (stone12, stone24, or a .safetensors path): a 12-output model gives the key signature and --profile the mode; a 24-output (--modes 2) model gives both" };
        var modeFrom = new Option<string>("--mode-from")
        {
            Description = "With a 24-output --model: take major/minor from the model (model) or decide it with --profile within the model's key signature (profile)",
            DefaultValueFactory = _ => "model",
        };
        modeFrom.AcceptOnlyFromAmong("model", "profile");
        var cmd = new Command("key", "Estimate the musical key of audio files (e.g. \"F# minor\") with a confidence")
        {
            files, outDir, method, profile, local, json, force, model, modeFrom,
        };
        cmd.SetAction(parse =>
        {
            var methodName = parse.GetValue(method) ?? KeyMethods.DefaultName;
            var modelName = parse.GetValue(model);
            var keyOptions = KeyMethods.Find(methodName);
            if (keyOptions is null)
            {
                // not a classical method: a STONE model name (the default classical estimator gives the mode)
                if (modelName is null && ModelRegistry.Available().Contains(methodName, StringComparer.OrdinalIgnoreCase)) modelName = methodName;
                else
                {
                    Reporter.Error($"unknown method '{methodName}' (choose {string.Join(", ", KeyMethods.All.Select(m => m.Name).Concat(ModelRegistry.Available()))})");
                    return Reporter.InputError;
                }
                keyOptions = KeyMethods.Default.Options;
            }
            if (parse.GetValue(profile) is { } name)
            {
                var found = KeyProfile.Find(name);
                if (found is null)
                {
                    Reporter.Error($"unknown profile '{name}' (choose {string.Join(", ", KeyProfile.All.Select(p => p.Name))})");
                    return Reporter.InputError;
                }
                keyOptions = keyOptions with { Profile = found };
            }
            var chosen = keyOptions.Profile;
            var estimator = new ProfileKeyEstimator(keyOptions);
            StoneKeyEstimator? stone;
            try { stone = modelName is { } m ? new StoneKeyEstimator(StoneModel.Load(ModelRegistry.Resolve(m)), m, estimator, parse.GetValue(modeFrom) == "profile") : null; }
            catch (GrooveException e) { Reporter.Error(e.Message); return Reporter.InputError; }
            bool asJson = parse.GetValue(json), withLocal = parse.GetValue(local);
            var dir = parse.GetValue(outDir);
            var options = new BatchOptions(dir, asJson ? ".key.json" : ".key", parse.GetValue(force), Description: "Finding keys");
            return BatchRunner.Run(parse.GetValue(files) ?? [], options, item =>
            {
                var audio = AudioFile.Load(item.InputPath, onWarning: item.Warn);
                var analysis = estimator.Analyze(audio, item.Warn);
                if (stone != null) analysis = analysis with { Global = stone.Estimate(audio, analysis.Global) };
                if (item.OutputPath is { } path)
                {
                    AtomicFile.WriteAllText(path, asJson ? Json(item.InputPath, modelName ?? methodName, chosen, analysis, indented: true) + "\n" : KeyFile(analysis, withLocal));
                    return null;
                }
                return asJson ? Json(item.InputPath, modelName ?? methodName, chosen, analysis, indented: false) : Line(item.InputPath, analysis, withLocal);
            });
        });
        return cmd;
    }

    /// <summary>The <c>.key</c> file: the key, then comment lines.</summary>
    internal static string KeyFile(KeyAnalysis a, bool withLocal)
    {
        var ic = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(a.Global.Key).Append('\n');
        sb.Append(string.Create(ic, $"# confidence {a.Global.Confidence:F3}\n"));
        if (withLocal)
            foreach (var l in a.Local)
                sb.Append(string.Create(ic, $"# local {l.Start:F2} {l.End:F2} {l.Key} {l.Confidence:F3}\n"));
        return sb.ToString();
    }

    private static string Line(string input, KeyAnalysis a, bool withLocal)
    {
        var ic = CultureInfo.InvariantCulture;
        var sb = new StringBuilder(string.Create(ic, $"{input}\t{a.Global.Key}\t{a.Global.Confidence:F3}"));
        if (withLocal)
            foreach (var l in a.Local)
                sb.Append(string.Create(ic, $"\n  {l.Start,7:F2} {l.End,7:F2}  {l.Key,-9} {l.Confidence:F3}"));
        return sb.ToString();
    }

    internal static string Json(string input, string method, KeyProfile profile, KeyAnalysis a, bool indented)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteString("file", input);
            w.WriteString("key", a.Global.Key.ToString());
            w.WriteNumber("confidence", Math.Round(a.Global.Confidence, 4));
            w.WriteString("method", method);
            w.WriteString("profile", profile.Name);
            w.WriteNumber("tuning_cents", Math.Round(a.TuningSemitones * 100, 1));
            w.WriteStartObject("probabilities");
            for (int i = 0; i < 24; i++)
                w.WriteNumber(new MusicalKey(i % 12, i < 12 ? KeyMode.Major : KeyMode.Minor).ToString(), Math.Round(a.Global.Scores[i], 5));
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
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
