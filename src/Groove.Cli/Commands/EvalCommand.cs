using System.CommandLine;
using Groove.Cli.Commands.Eval;
using Groove.Rhythm;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove eval beats|tempo|key</c>: scores estimates against references with mir_eval's (or madmom's) metric
/// definitions, for one file pair or a whole dataset.
/// </summary>
internal static class EvalCommand
{
    /// <param name="trackers">Resolves <c>--estimator NAME</c> to a beat tracker; throw <see cref="GrooveException"/> for unknown names.
    /// Null: no trackers are available in this build (estimates can still be read with <c>--est-dir</c>).</param>
    public static Command Create(Func<string, IBeatTracker>? trackers = null)
    {
        trackers ??= name => throw new GrooveException($"no beat tracker named '{name}' is available in this build; score estimates from a folder with --est-dir");
        return new Command("eval", "Evaluate beats, tempo or key against reference annotations (mir_eval metrics)")
        {
            EvalBeatsCommand.Create(trackers),
            EvalTempoCommand.Create(),
            EvalKeyCommand.Create(),
        };
    }

    /// <summary>
    /// Runs a command body, turning a <see cref="GrooveException"/> (bad input) into its one-line message and exit
    /// code 1 rather than System.CommandLine's stack-trace report.
    /// </summary>
    internal static int Guarded(Func<int> body)
    {
        try { return body(); }
        catch (Exception e) { return Infrastructure.Reporter.Fatal(e); }
    }
}
