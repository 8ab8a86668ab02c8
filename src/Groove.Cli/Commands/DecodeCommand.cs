using System.CommandLine;
using Groove.Cli.Infrastructure;
using Groove.Dsp;
using Groove.IO.Annotations;
using Groove.IO;
using Groove.Rhythm;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove decode beats|downbeats ACT.npy... --fps F [--out DIR]</c>: decodes beat (or beat + downbeat)
/// activations saved as .npy with the DBN, writing <c>DIR/&lt;input name without its last extension&gt;.beats</c>.
/// </summary>
internal static class DecodeCommand
{
    public static Command Create()
    {
        var cmd = new Command("decode", "Decode beat or downbeat activations (.npy) into beats with a dynamic Bayesian network");
        cmd.Subcommands.Add(CreateSub(downbeats: false));
        cmd.Subcommands.Add(CreateSub(downbeats: true));
        return cmd;
    }

    private static Command CreateSub(bool downbeats)
    {
        var files = new Argument<string[]>("activations")
        {
            Description = downbeats ? ".npy files of shape (frames, 2): beat (not downbeat), downbeat probabilities"
                                    : ".npy files of shape (frames,) or (frames, 1): beat probabilities",
            Arity = ArgumentArity.OneOrMore,
        };
        var fps = new Option<double>("--fps") { Description = "Frames per second of the activations", DefaultValueFactory = _ => 100 };
        var outDir = new Option<string?>("--out", "-o") { Description = "Write <name>.beats files into this folder (default: print)" };
        var force = new Option<bool>("--force", "-f") { Description = "Redo inputs whose output exists" };
        var minBpm = new Option<double?>("--min-bpm") { Description = $"Slowest tempo (default {(downbeats ? 55 : 55)})" };
        var maxBpm = new Option<double?>("--max-bpm") { Description = $"Fastest tempo (default {(downbeats ? 205 : 215)})" };
        var numTempi = new Option<int?>("--num-tempi") { Description = downbeats ? "Log-spaced tempo states (default 60)" : "Log-spaced tempo states (default: every interval)" };
        var transitionLambda = new Option<double>("--transition-lambda") { Description = "Tempo steadiness λ", DefaultValueFactory = _ => 100 };
        var observationLambda = new Option<double>("--observation-lambda") { Description = "Beat share of a period is 1/λ", DefaultValueFactory = _ => 16 };
        var threshold = new Option<double?>("--threshold") { Description = $"Decode only where activations reach this (default {(downbeats ? 0.05 : 0)})" };
        var beatsPerBar = new Option<int[]>("--beats-per-bar") { Description = "Bar lengths to try (default 3 4)", AllowMultipleArgumentsPerToken = true };
        var noCorrect = new Option<bool>("--no-correct") { Description = "Do not move beats to the activation peaks" };

        var cmd = new Command(downbeats ? "downbeats" : "beats",
            downbeats ? "Decode (frames, 2) beat/downbeat activations into beats and downbeats (bar-pointer DBN)"
                      : "Decode beat activations into beats (DBN after Krebs, Böck & Widmer 2015)")
        { files, fps, outDir, force, minBpm, maxBpm, numTempi, transitionLambda, observationLambda, threshold, noCorrect };
        if (downbeats) cmd.Options.Add(beatsPerBar);

        cmd.SetAction(parse =>
        {
            var inputs = parse.GetValue(files) ?? [];
            double rate = parse.GetValue(fps);
            Func<float[], int[], Beat[]> decode;
            try
            {
                if (downbeats)
                {
                    var d = new DbnDownbeatOptions();
                    var bars = parse.GetValue(beatsPerBar);
                    var decoder = new DbnDownbeatDecoder(rate, d with
                    {
                        MinBpm = parse.GetValue(minBpm) ?? d.MinBpm,
                        MaxBpm = parse.GetValue(maxBpm) ?? d.MaxBpm,
                        NumTempi = parse.GetResult(numTempi) is null ? d.NumTempi : parse.GetValue(numTempi),
                        TransitionLambda = parse.GetValue(transitionLambda),
                        ObservationLambda = parse.GetValue(observationLambda),
                        Threshold = parse.GetValue(threshold) ?? d.Threshold,
                        BeatsPerBar = bars is { Length: > 0 } ? bars : d.BeatsPerBar,
                        Correct = !parse.GetValue(noCorrect),
                    });
                    decode = (data, shape) =>
                    {
                        if (shape.Length != 2 || shape[1] != 2)
                            throw new GrooveException($"a downbeat activation must have shape (frames, 2), not ({string.Join(", ", shape)})");
                        return decoder.Decode(data);
                    };
                }
                else
                {
                    var d = new DbnBeatOptions();
                    var decoder = new DbnBeatDecoder(rate, d with
                    {
                        MinBpm = parse.GetValue(minBpm) ?? d.MinBpm,
                        MaxBpm = parse.GetValue(maxBpm) ?? d.MaxBpm,
                        NumTempi = parse.GetValue(numTempi),
                        TransitionLambda = parse.GetValue(transitionLambda),
                        ObservationLambda = parse.GetValue(observationLambda),
                        Threshold = parse.GetValue(threshold) ?? d.Threshold,
                        Correct = !parse.GetValue(noCorrect),
                    });
                    decode = (data, shape) =>
                    {
                        if (!(shape.Length == 1 || (shape.Length == 2 && shape[1] == 1)))
                            throw new GrooveException($"a beat activation must have shape (frames,) or (frames, 1), not ({string.Join(", ", shape)}); use 'decode downbeats' for (frames, 2)");
                        return decoder.Decode(data).Select(t => new Beat(t, 0)).ToArray();
                    };
                }
            }
            catch (GrooveException e)
            {
                Reporter.Error(e.Message);
                return Reporter.InputError;
            }

            var options = new BatchOptions(parse.GetValue(outDir), ".beats", parse.GetValue(force), Description: "Decoding");
            return BatchRunner.Run(inputs, options, item =>
            {
                if (!File.Exists(item.InputPath)) throw new GrooveException("no such file");
                var npy = NpyFile.Parse(File.ReadAllBytes(item.InputPath), "activation");
                var beats = decode(npy.ToFloat(), npy.Shape);
                if (beats.Length == 0) item.Warn("no beats found (silent or empty activation)");
                var text = BeatAnnotations.Format(beats);
                if (item.OutputPath is { } path)
                {
                    AtomicFile.WriteAllText(path, text);
                    return null;
                }
                return inputs.Length > 1 ? $"# {item.InputPath}\n{text}" : text;
            });
        });
        return cmd;
    }
}
