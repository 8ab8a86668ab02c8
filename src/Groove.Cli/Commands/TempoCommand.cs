using System.CommandLine;
using System.Globalization;
using Groove.Audio;
using Groove.Cli.Infrastructure;
using Groove.IO;
using Groove.Rhythm;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove tempo FILE... [--out DIR]</c>: tempo of audio files, as MIREX's "t1 TAB t2 TAB weight": t1 is the
/// tempo (from the tracked beats), t2 the second most salient tempo, weight the salience of t1 relative to t2.
/// </summary>
internal static class TempoCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Audio files", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string?>("--out", "-o") { Description = "Write <name>.bpm files into this folder (default: print)" };
        var force = new Option<bool>("--force", "-f") { Description = "Redo inputs whose output exists" };
        var cmd = new Command("tempo", "Estimate the tempo: 'tempo TAB second-tempo TAB weight-of-the-first' (BPM, MIREX style)") { files, outDir, force };
        cmd.SetAction(parse =>
        {
            var inputs = parse.GetValue(files) ?? [];
            var tracker = new ClassicalBeatTracker();
            var options = new BatchOptions(parse.GetValue(outDir), ".bpm", parse.GetValue(force), Description: "Estimating tempo");
            var load = MaxDurationOption.Apply(parse, new AudioLoadOptions { Mono = true, SampleRate = 22050 });
            return BatchRunner.Run(inputs, options, item =>
            {
                var audio = AudioFile.Load(item.InputPath, load, item.Warn);
                var (beats, tempo) = tracker.Analyse(audio, onWarning: item.Warn);
                var text = Format(beats.Tempo, tempo);
                if (beats.Tempo <= 0 && tempo.Bpm <= 0) item.Warn("no tempo found");
                if (item.OutputPath is { } path) { AtomicFile.WriteAllText(path, text); return null; }
                return inputs.Length > 1 ? $"{item.InputPath}\t{text}" : text;
            });
        });
        return cmd;
    }

    /// <summary>"t1 TAB t2 TAB weight-of-t1" with t1 the main tempo.</summary>
    internal static string Format(double mainBpm, TempoEstimate tempo)
    {
        var ic = CultureInfo.InvariantCulture;
        double t1 = mainBpm > 0 ? mainBpm : tempo.Bpm;
        if (!(t1 > 0)) return "0\t0\t1\n";
        var p = tempo.Pair;
        // The pair is (slow, fast); the second tempo is the member farther from t1.
        bool slowIsMain = Math.Abs(Math.Log(p.Slow / t1)) <= Math.Abs(Math.Log(p.Fast / t1));
        double t2 = slowIsMain ? p.Fast : p.Slow;
        double w1 = slowIsMain ? p.SlowStrength : 1 - p.SlowStrength;
        if (!(t2 > 0) || Math.Abs(t2 - t1) < 1e-6) { t2 = 0; w1 = 1; }
        // t1 is the chosen tempo, so it keeps at least half the weight (MIREX readers take the heavier one).
        w1 = Math.Max(w1, 0.5);
        return string.Create(ic, $"{t1:F2}\t{t2:F2}\t{w1:F2}\n");
    }
}
