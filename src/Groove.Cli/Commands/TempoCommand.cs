using System.CommandLine;
using Groove.Analysis;
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
        var io = new BatchCommandOptions("Write <name>.bpm files into this folder (default: print)");
        var cmd = new Command("tempo", "Estimate the tempo: 'tempo TAB second-tempo TAB weight-of-the-first' (BPM, MIREX style)");
        io.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var inputs = io.Inputs(parse);
            var analyzer = new Analyzer(new AnalysisOptions { Load = MaxDurationOption.Apply(parse), Key = false, BeatTracker = BeatTrackers.DefaultName });
            var options = io.Batch(parse, ".bpm", "Estimating tempo");
            return BatchRunner.Run(inputs, options, item =>
            {
                var tempo = analyzer.Analyze(item.InputPath, onWarning: item.Warn).Tempo!.Value;
                var text = ResultWriter.Tempo(tempo);
                if (!(tempo.Tempo1 > 0)) item.Warn("no tempo found");
                if (item.OutputPath is { } path) { AtomicFile.WriteAllText(path, text); return null; }
                return inputs.Length > 1 ? $"{item.InputPath}\t{text}" : text;
            });
        });
        return cmd;
    }
}
