using System.CommandLine;
using Groove.Analysis;
using Groove.Cli.Infrastructure;
using Groove.IO;
using Groove.Tonality;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove key FILE... [--out DIR] [--method NAME] [--profile NAME] [--local] [--json]</c>: the global key of each
/// file by template matching of a chroma (the library's default <see cref="KeyMethods"/> method unless <c>--method</c>
/// names another or a STONE model), through the <see cref="Analyzer"/> pipeline. With <c>--out</c> each input writes <c>&lt;name&gt;.key</c>: the key on the first
/// line (readable by mir_eval and <c>groove eval key</c>), then <c># confidence C</c> (the calibrated probability that the
/// key is right, <see cref="Groove.Tonality.KeyConfidenceCalibration"/>) and, with <c>--local</c>,
/// <c># local START END KEY CONFIDENCE</c> comment lines. <c>--json</c> writes <c>&lt;name&gt;.key.json</c> instead,
/// with the 24 key probabilities and the local-key curve.
/// </summary>
internal static class KeyCommand
{
    public static Command Create()
    {
        var io = new BatchCommandOptions("Write <name>.key (or <name>.key.json) per input into this folder (default: print)");
        var method = new Option<string>("--method")
        {
            Description = $"Estimator: {string.Join(", ", KeyMethods.Learned.Select(m => m.Name))} (learned; default {new AnalysisOptions().KeyMethod}), " +
                          $"{string.Join(", ", KeyMethods.All.Select(m => m.Name))} (classical), or a STONE model (stone12, stone24, stone-small: as --model)",
            DefaultValueFactory = _ => new AnalysisOptions().KeyMethod,
        };
        var profile = new Option<string?>("--profile")
        {
            Description = $"Key templates replacing the method's: {string.Join(", ", KeyProfile.All.Select(p => p.Name))}",
        };
        var local = new Option<bool>("--local") { Description = "Also report the key over time (8 s windows every 2 s; from --profile, also with --model)" };
        var json = new Option<bool>("--json") { Description = "JSON output with the 24 key probabilities and the local-key curve" };
        var model = new Option<string?>("--model") { Description = "Key from a trained STONE model (stone12, stone24, or a .safetensors path): a 12-output model gives the key signature and --profile the mode; a 24-output (--modes 2) model gives both" };
        var modeFrom = new Option<string>("--mode-from")
        {
            Description = "With a 24-output --model: take major/minor from the model (model) or decide it with --profile within the model's key signature (profile)",
            DefaultValueFactory = _ => "model",
        };
        modeFrom.AcceptOnlyFromAmong("model", "profile");
        var cmd = new Command("key", "Estimate the musical key of audio files (e.g. \"F# minor\") with a confidence")
        {
            method, profile, local, json, model, modeFrom,
        };
        io.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            Analyzer analyzer;
            try
            {
                analyzer = new Analyzer(new AnalysisOptions
                {
                    Load = MaxDurationOption.Apply(parse),
                    Beats = false,
                    KeyMethod = parse.GetValue(method) ?? KeyMethods.DefaultName,
                    KeyProfile = parse.GetValue(profile),
                    KeyModel = parse.GetValue(model),
                    KeyModeFromProfile = parse.GetValue(modeFrom) == "profile",
                });
            }
            catch (GrooveException e) { Reporter.Error(e.Message); return Reporter.InputError; }
            var (methodName, profileName) = (analyzer.KeyMethodName!, analyzer.KeyTemplates!.Name);
            bool asJson = parse.GetValue(json), withLocal = parse.GetValue(local);
            var options = io.Batch(parse, asJson ? ".key.json" : ".key", "Finding keys");
            return BatchRunner.Run(io.Inputs(parse), options, item =>
            {
                var analysis = analyzer.Analyze(item.InputPath, onWarning: item.Warn).Key!;
                if (item.OutputPath is { } path)
                {
                    AtomicFile.WriteAllText(path, asJson ? ResultWriter.KeyJson(item.InputPath, methodName, profileName, analysis, indented: true) + "\n" : ResultWriter.KeyFile(analysis, withLocal));
                    return null;
                }
                return asJson ? ResultWriter.KeyJson(item.InputPath, methodName, profileName, analysis, indented: false) : ResultWriter.KeyLine(item.InputPath, analysis, withLocal);
            });
        });
        return cmd;
    }
}
