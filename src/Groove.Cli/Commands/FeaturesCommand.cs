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
/// <remarks>
/// Each kind is one <see cref="FeatureKind"/> entry in <see cref="Kinds"/>: to add one, append an entry whose
/// <c>Compute</c> maps mono samples and <see cref="FeatureSettings"/> to a frame-major matrix.
/// </remarks>
internal static class FeaturesCommand
{
    /// <summary>What every kind may use: the analysis rate and the frame settings from the command line.</summary>
    internal sealed record FeatureSettings(int SampleRate, int NFft, int HopLength, int MelCount, Action<string> Warn)
    {
        /// <summary>Frames per second with this hop: sr / hop.</summary>
        public double FrameRate => (double)SampleRate / HopLength;
    }

    /// <summary>A frame-major feature matrix: <c>Data[t·Columns + f]</c>, <paramref name="FrameRate"/> frames per second.</summary>
    internal sealed record FeatureMatrix(float[] Data, int Columns, double FrameRate)
    {
        public int Frames => Columns == 0 ? 0 : Data.Length / Columns;
    }

    /// <summary>One feature kind: its command-line name, a one-line description and how to compute it.</summary>
    internal sealed record FeatureKind(string Name, string Description, Func<float[], FeatureSettings, FeatureMatrix> Compute);

    /// <summary>The kinds <c>groove features</c> knows, in the order its help lists them. One entry per kind.</summary>
    internal static readonly FeatureKind[] Kinds =
    [
        new("mel", "mel power spectrogram (Slaney mel scale and area normalisation, power 2) [frames, n-mels]",
            (y, s) => new FeatureMatrix(Mel(s).Compute(y), s.MelCount, s.FrameRate)),
        new("logmel", "log-mel spectrogram in dB: power_to_db(mel, ref=1, amin=1e-10, top_db=80) [frames, n-mels]",
            (y, s) => new FeatureMatrix(Mel(s).ComputeDb(y), s.MelCount, s.FrameRate)),
        new("cqt", "constant-Q magnitude, librosa.cqt defaults: 84 bins from C1, 12 per octave, tuning 0 [frames, 84]",
            (y, s) => ConstantQ(y, s, ConstantQOptions.Cqt(s.SampleRate, s.HopLength))),
        new("vqt", "variable-Q magnitude, librosa.vqt defaults (ERB gamma): 84 bins from C1, 12 per octave [frames, 84]",
            (y, s) => ConstantQ(y, s, ConstantQOptions.Vqt(s.SampleRate, s.HopLength))),
        new("chroma", "chroma_cqt: 36-bin/octave CQT over 7 octaves from C1, tuning estimated, max-normalised [frames, 12]",
            (y, s) => ChromaCqt(y, s)),
        new("onset", "SuperFlux onset strength (log-frequency flux with max filtering), then its bass/mid/high sub-bands [frames, 4]",
            (y, s) => Onset(y, s)),
    ];

    private static FeatureMatrix Onset(float[] y, FeatureSettings s)
    {
        var env = new SuperFluxOnsetStrength(new SuperFluxOptions { SampleRate = s.SampleRate, NFft = s.NFft, HopLength = s.HopLength })
            .Compute(y, s.SampleRate);
        int columns = 1 + env.SubBands.Length;
        var data = new float[env.Frames * columns];
        for (int t = 0; t < env.Frames; t++)
        {
            data[t * columns] = env.Values[t];
            for (int b = 0; b < env.SubBands.Length; b++) data[t * columns + 1 + b] = env.SubBands[b][t];
        }
        return new FeatureMatrix(data, columns, env.FramesPerSecond);
    }

    private static FeatureMatrix ConstantQ(float[] y, FeatureSettings s, ConstantQOptions options) =>
        FrameMajor(TonalTransform(options).Compute(y), s);

    private static FeatureMatrix ChromaCqt(float[] y, FeatureSettings s)
    {
        double tuning = TuningEstimator.Estimate(y, s.SampleRate, 12);
        var cqt = TonalTransform(ConstantQOptions.Cqt(s.SampleRate, s.HopLength, binCount: 7 * 36, binsPerOctave: 36) with { Tuning = tuning * 3 }).Compute(y);
        var chroma = Chromagram.FromConstantQ(cqt);
        var data = new float[chroma.Data.Length];
        for (int c = 0; c < 12; c++)
            for (int t = 0; t < chroma.FrameCount; t++) data[t * 12 + c] = chroma[c, t];
        return new FeatureMatrix(data, 12, s.FrameRate);
    }

    /// <summary>A CQT/VQT, with its parameter errors (bins above Nyquist at a low --sr) as one-line user errors.</summary>
    private static ConstantQTransform TonalTransform(ConstantQOptions options)
    {
        try { return new ConstantQTransform(options); }
        catch (ArgumentException e) { throw new GrooveException($"--sr {options.SampleRate}: {e.Message.Split(" (Parameter")[0]}"); }
    }

    private static FeatureMatrix FrameMajor(ConstantQSpectrogram m, FeatureSettings s)
    {
        var data = new float[m.Data.Length];
        for (int b = 0; b < m.BinCount; b++)
            for (int t = 0; t < m.FrameCount; t++) data[t * m.BinCount + b] = m[b, t];
        return new FeatureMatrix(data, m.BinCount, s.FrameRate);
    }

    private static MelSpectrogram Mel(FeatureSettings s) =>
        new(s.SampleRate, s.NFft, s.HopLength, s.MelCount, onWarning: s.Warn);

    public static Command Create()
    {
        var kind = new Argument<string>("kind") { Description = "Feature: " + string.Join(", ", Kinds.Select(k => k.Name)) };
        var files = new Argument<string[]>("files") { Description = "Audio files", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string>("--out", "-o") { Description = "Write <name>.<kind>.npy files into this folder", Required = true };
        var sr = new Option<int>("--sr") { Description = "Analysis sample rate in Hz (inputs are resampled)", DefaultValueFactory = _ => 22050 };
        var nFft = new Option<int>("--n-fft") { Description = "FFT size in samples", DefaultValueFactory = _ => 2048 };
        var hop = new Option<int>("--hop") { Description = "Hop between frames in samples", DefaultValueFactory = _ => 512 };
        var nMels = new Option<int>("--n-mels") { Description = "Mel bands", DefaultValueFactory = _ => 128 };
        var force = new Option<bool>("--force", "-f") { Description = "Redo inputs whose output exists" };
        var cmd = new Command("features", "Compute features (" + string.Join(", ", Kinds.Select(k => k.Name)) + ") and write them as .npy [frames, features]")
        {
            kind, files, outDir, sr, nFft, hop, nMels, force,
        };
        cmd.SetAction(parse =>
        {
            string name = (parse.GetValue(kind) ?? "").Trim().ToLowerInvariant();
            var k = Kinds.FirstOrDefault(x => x.Name == name);
            if (k == null)
            {
                Reporter.Error($"unknown feature kind '{name}' (available: {string.Join(", ", Kinds.Select(x => x.Name))})");
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
            var load = new AudioLoadOptions { SampleRate = rate, Mono = true };
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
