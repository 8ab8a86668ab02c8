using System.CommandLine;

namespace Groove.Cli.Infrastructure;

/// <summary>
/// The inputs and outputs every per-file command shares: the audio files, <c>--out/-o</c> (one output per input in
/// that folder; default: print) and <c>--force/-f</c> (redo inputs whose output exists).
/// </summary>
internal sealed class BatchCommandOptions
{
    /// <param name="outDescription">What <c>--out</c> writes, e.g. "Write &lt;name&gt;.bpm files into this folder (default: print)".</param>
    public BatchCommandOptions(string outDescription) =>
        Out = new Option<string?>("--out", "-o") { Description = outDescription };

    public Argument<string[]> Files { get; } = new("files") { Description = "Audio files", Arity = ArgumentArity.OneOrMore };
    public Option<string?> Out { get; }
    public Option<bool> Force { get; } = new("--force", "-f") { Description = "Redo inputs whose output exists" };

    /// <summary>Adds the files argument and both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(Files);
        command.Options.Add(Out);
        command.Options.Add(Force);
    }

    /// <summary>The inputs given.</summary>
    public string[] Inputs(ParseResult parse) => parse.GetValue(Files) ?? [];

    /// <summary>How <see cref="BatchRunner"/> names and skips outputs: <c>--out</c>/<paramref name="extension"/>, <c>--force</c>.</summary>
    public BatchOptions Batch(ParseResult parse, string extension, string description) =>
        new(parse.GetValue(Out), extension, parse.GetValue(Force), Description: description);
}
