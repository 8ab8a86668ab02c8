using System.CommandLine;
using System.Globalization;
using Groove.Audio;
using Groove.Cli.Infrastructure;
using Groove.Dsp;
using Groove.IO;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove features KIND FILE... --out DIR</c>: computes a time–frequency feature of each file (mixed to mono and
/// resampled to <c>--sr</c>) and writes <c>DIR/&lt;name&gt;.&lt;kind&gt;.npy</c>: float32, shape
/// <c>[frames, features]</c> (frame-major; frame t is centred on sample t·hop, librosa's <c>center=True</c>; the
/// transpose of librosa's <c>[features, frames]</c>). Prints one line per file: the output, its shape and frame rate.
/// </summary>
/// <remarks>The kinds and their recipes are the library's <see cref="FeatureKinds"/>.</remarks>
internal static class FeaturesCommand
{
    public static Command Create()
    {
        var kind = new Argument<string>("kind") { Description = "Feature: " + string.Join(", ", FeatureKinds.All.Select(k => k.Name)) };
        var files = new Argument<string[]>("files") { Description = "Audio files", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string>("--out", "-o") { Description = "Write <name>.<kind>.npy files into this folder", Required = true };
        var sr = new Option<int>("--sr") { Description = "Analysis sample rate in Hz (inputs are resampled)", DefaultValueFactory = _ => SampleRates.Analysis };
        var nFft = new Option<int>("--n-fft") { Description = "FFT size in samples", DefaultValueFactory = _ => 2048 };
        var hop = new Option<int>("--hop") { Description = "Hop between frames in samples", DefaultValueFactory = _ => 512 };
        var nMels = new Option<int>("--n-mels") { Description = "Mel bands", DefaultValueFactory = _ => 128 };
        var force = new Option<bool>("--force", "-f") { Description = "Redo inputs whose output exists" };
        var cmd = new Command("features", "Compute features (" + string.Join(", ", FeatureKinds.All.Select(k => k.Name)) + ") and write them as .npy [frames, features]")
        {
            kind, files, outDir, sr, nFft, hop, nMels, force,
        };
        cmd.SetAction(parse =>
        {
            string name = (parse.GetValue(kind) ?? "").Trim().ToLowerInvariant();
            var k = FeatureKinds.Find(name);
            if (k == null)
            {
                Reporter.Error($"unknown feature kind '{name}' (available: {string.Join(", ", FeatureKinds.All.Select(x => x.Name))})");
                return Reporter.InputError;
            }
            int rate = parse.GetValue(sr), n = parse.GetValue(nFft), h = parse.GetValue(hop), mels = parse.GetValue(nMels);
            string? problem =
                rate is < 1000 or > 384000 ? $"--sr must be between 1000 and 384000 Hz (got {rate})" :
                n is < 16 or > 1 << 20 ? $"--n-fft must be between 16 and 1048576 (got {n})" :
                h < 1 ? $"--hop must be at least 1 (got {h})" :
                mels is < 1 or > 1024 ? $"--n-mels must be between 1 and 1024 (got {mels})" : null;
            if (problem != null)
            {
                Reporter.Error(problem);
                return Reporter.InputError;
            }
            var options = new BatchOptions(parse.GetValue(outDir), $".{k.Name}.npy", parse.GetValue(force), Description: $"Computing {k.Name}");
            var load = MaxDurationOption.Apply(parse, new AudioLoadOptions { SampleRate = rate, Mono = true });
            return BatchRunner.Run(parse.GetValue(files) ?? [], options, item =>
            {
                var audio = AudioFile.Load(item.InputPath, load, item.Warn);
                var m = k.Compute(audio.Channels[0], new FeatureSettings(rate, n, h, mels, item.Warn));
                NpyFile.Write(item.OutputPath!, m.Data, m.Frames, m.Columns);
                return string.Create(CultureInfo.InvariantCulture, $"{item.OutputPath}\t[{m.Frames}, {m.Columns}]\t{m.FrameRate:0.###} frames/s");
            });
        });
        return cmd;
    }
}
