using System.CommandLine;
using Groove.Cli.Commands;
using Groove.Cli.Infrastructure;

namespace Groove.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = BuildRoot();
        try
        {
            // Our own handler (Reporter.Fatal) prints one line instead of System.CommandLine's stack trace.
            var parse = root.Parse(args);
            // Every mistake in the command line is one line and exit 2, before any work starts.
            if (CommandLineErrors.Find(parse) is { } problem)
            {
                Reporter.Error(problem);
                return Reporter.UsageError;
            }
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Reporter.Fatal(e);
        }
    }

    /// <summary>The full command tree (also used by tests to run commands in-process).</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("groove: beats, downbeats, tempo, key and embeddings from recorded music");
        root.Options.Add(MaxDurationOption.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(AnalyzeCommand.Create());
        root.Subcommands.Add(FeaturesCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(DecodeCommand.Create());
        root.Subcommands.Add(KeyCommand.Create());
        root.Subcommands.Add(ClickCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(BeatsCommand.Create());
        root.Subcommands.Add(TempoCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(CorpusCommand.Create());
        root.Subcommands.Add(MeasuresCommand.Create());
        root.Subcommands.Add(BatchCommand.Create());
        root.Subcommands.Add(EmbedCommand.Create());
        root.Subcommands.Add(SimilarCommand.Create());
        root.Subcommands.Add(ClusterCommand.Create());
        root.Subcommands.Add(ProbeCommand.Create());
        root.Subcommands.Add(MapCommand.Create());
        return root;
    }
}
