using System.CommandLine;
using System.Globalization;
using System.Text;
using Groove.Audio;
using Groove.Cli.Infrastructure;
using Groove.Rhythm;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove measures FILE|DIR... [--model NAME]</c>: the Zero-Note Samba paper's label-free statistics of the beat
/// activation a tracker computes (<see cref="ActivationMeasures"/>), one line per file and the 10/25/50/75/90 %
/// quantiles over all files, so models can be compared without annotations.
/// </summary>
internal static class MeasuresCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Audio files or folders (searched recursively)", Arity = ArgumentArity.OneOrMore };
        var model = new Option<string>("--model", "-m")
        {
            Description = $"Whose activation: {string.Join(", ", BeatTrackers.Names)}, or a .safetensors model",
            DefaultValueFactory = _ => BeatTrackers.DefaultName,
        };
        var cmd = new Command("measures", "Label-free activation statistics (l2/l1, Gini, kurtosis, entropy, max autocorrelation)") { inputs, model };
        cmd.SetAction(parse =>
        {
            try
            {
                var tracker = BeatTrackers.Create(parse.GetValue(model));
                var files = new List<string>();
                foreach (var i in parse.GetValue(inputs) ?? [])
                {
                    if (Directory.Exists(i)) files.AddRange(Groove.IO.AudioFileNames.Find(i));
                    else if (File.Exists(i)) files.Add(i);
                    else throw new GrooveException($"{i}: no such file or folder");
                }
                var ic = CultureInfo.InvariantCulture;
                var all = new List<double[]>();
                int failed = 0;
                Console.Out.WriteLine("file\t" + string.Join("\t", ActivationMeasures.Names));
                foreach (var f in files)
                {
                    try
                    {
                        var audio = AudioFile.Load(f, new AudioLoadOptions { Mono = true }, Reporter.Warning);
                        var r = tracker.Track(audio, onWarning: w => Reporter.Warning($"{f}: {w}"));
                        var m = ActivationMeasures.Compute(r.Activation, r.FramesPerSecond).Values;
                        all.Add(m);
                        Console.Out.WriteLine(Path.GetFileName(f) + "\t" + string.Join("\t", m.Select(v => v.ToString("F4", ic))));
                    }
                    catch (Exception e) when (e is GrooveException or IOException or InvalidDataException)
                    {
                        failed++;
                        Reporter.Error($"{f}: {Reporter.Describe(e)}");
                    }
                }
                if (all.Count > 1)
                {
                    var sb = new StringBuilder();
                    sb.Append(ic, $"# {tracker.Name}, {all.Count} files: quantiles 10/25/50/75/90 %\n");
                    for (int j = 0; j < ActivationMeasures.Names.Count; j++)
                    {
                        var col = all.Select(v => v[j]).Order().ToArray();
                        sb.Append("# ").Append(ActivationMeasures.Names[j]).Append('\t')
                          .AppendJoin('\t', new[] { 0.1, 0.25, 0.5, 0.75, 0.9 }.Select(q => Quantile(col, q).ToString("F4", ic))).Append('\n');
                    }
                    Console.Out.Write(sb.ToString());
                }
                return failed > 0 ? Reporter.InputError : 0;
            }
            catch (Exception e) { return Reporter.Fatal(e); }
        });
        return cmd;
    }

    /// <summary>Linear-interpolation quantile of sorted values (NumPy's default).</summary>
    private static double Quantile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int i = (int)Math.Floor(pos);
        return i + 1 < sorted.Length ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
    }
}
