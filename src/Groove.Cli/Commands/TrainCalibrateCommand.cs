using System.CommandLine;
using System.Globalization;
using Groove.Cli.Infrastructure;
using Groove.Training.Stone;
using Groove.Models;
using Groove.Tonality.Stone;
using Groove.IO.Datasets;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove train calibrate --model FILE --labelled DIR [--labelled DIR2 ...] [--out FILE]</c>: sets a STONE model's
/// calibration offset (which output class means which key signature) from tracks with known keys instead of
/// synthetic cadences, prints how many tracks each offset gets right, and writes the model (in place unless --out).
/// </summary>
internal static class TrainCalibrateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "STONE model: a name (stone-small) or a .safetensors path", Required = true };
        var labelled = new Option<string[]>("--labelled") { Description = "Dataset folder with keys (DIR/audio + DIR/key); repeatable", Required = true, Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out", "-o") { Description = "Write the calibrated model here (default: overwrite --model's file)" };
        var seconds = new Option<double>("--seconds") { Description = "Use at most this much of each track (from its start)", DefaultValueFactory = _ => 30 };
        var cache = new Option<string?>("--cache") { Description = "CQT cache folder (default ~/.cache/groove/stone-cqt)" };
        var cmd = new Command("calibrate", "Anchor a self-supervised key model's classes with a few labelled tracks")
        {
            model, labelled, output, seconds, cache,
        };
        cmd.SetAction(parse =>
        {
            try
            {
                var path = ModelRegistry.Resolve(parse.GetValue(model)!);
                var m = StoneModel.Load(path);
                double s = parse.GetValue(seconds);
                if (!(s > 0)) throw new GrooveException($"--seconds must be positive, not {s}");
                var data = new StoneLabelledData();
                var cqtCache = new StoneCqtCache(parse.GetValue(cache) ?? StoneRunSettings.DefaultCacheDir, s);
                foreach (var dir in parse.GetValue(labelled) ?? [])
                {
                    if (!Directory.Exists(dir)) throw new GrooveException($"{dir}: no such folder (--labelled takes a dataset folder with audio/ and key/)");
                    int added = data.AddFolder(dir, cqtCache, 8, Reporter.Warning);
                    Console.Error.WriteLine($"{dir}: {added} labelled tracks");
                }
                int before = m.CalibrationOffset;
                var hits = m.CalibrateOn(data, (int)Math.Ceiling(s * StoneFrontEnd.FrameRate));
                var ic = CultureInfo.InvariantCulture;
                for (int off = 0; off < 12; off++)
                    Console.WriteLine(string.Create(ic, $"offset {off,2}: {hits[off],4}/{data.Count} key signatures right{(off == m.CalibrationOffset ? "  <- chosen" : "")}{(off == before ? "  (was)" : "")}"));
                var dest = parse.GetValue(output) ?? path;
                m.Save(dest, new Dictionary<string, string>
                {
                    ["stone.calibrated_on"] = string.Join(';', (parse.GetValue(labelled) ?? []).Select(Path.GetFileName)),
                    ["stone.calibration_tracks"] = data.Count.ToString(ic),
                });
                Console.Error.WriteLine($"calibration offset {before} -> {m.CalibrationOffset}; wrote {dest}");
                return 0;
            }
            catch (Exception e) { return Reporter.Fatal(e); }
        });
        return cmd;
    }
}
