using System.CommandLine;
using Groove.Analysis;
using Groove.Cli.Infrastructure;
using Groove.Rhythm;
using Groove.Tonality;
using Groove.Web;
using Microsoft.Extensions.Hosting;

namespace Groove.Cli.Commands;

/// <summary><c>groove serve</c>: the web app (upload a song, see and hear its beats, download the results).</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port", DefaultValueFactory = _ => new GrooveWebOptions().Port };
        var host = new Option<string>("--host") { Description = "Address to listen on (127.0.0.1: this machine only; 0.0.0.0: every interface)", DefaultValueFactory = _ => new GrooveWebOptions().Host };
        var data = new Option<string?>("--data") { Description = $"Folder for uploads and results (default: {GrooveWebOptions.DefaultDataDirectory()})" };
        var maxUpload = new Option<double>("--max-upload-mb") { Description = "Largest accepted upload in MB", DefaultValueFactory = _ => new GrooveWebOptions().MaxUploadBytes / (1024.0 * 1024) };
        var workers = new Option<int?>("--workers") { Description = "Songs analysed at once (default: half the cores)" };
        var model = new Option<string>("--model", "-m")
        {
            Description = $"Beat tracker: {string.Join(", ", BeatTrackers.Names)}",
            DefaultValueFactory = _ => new AnalysisOptions().BeatTracker,
        };
        var index = new Option<string?>("--index") { Description = "Library index (SQLite file or postgres://user@host/db) to search for songs like each upload" };
        var cmd = new Command("serve", "Run the web app: upload a song, see its beats, hear them clicked, download the result")
        {
            port, host, data, maxUpload, workers, model, index,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            try
            {
                double mb = parse.GetValue(maxUpload);
                if (!double.IsFinite(mb) || mb <= 0 || mb > 1 << 20) throw new GrooveException($"--max-upload-mb {mb}: must be a positive number of MB");
                var options = new GrooveWebOptions
                {
                    Port = parse.GetValue(port),
                    Host = parse.GetValue(host) ?? "127.0.0.1",
                    DataDirectory = parse.GetValue(data) ?? GrooveWebOptions.DefaultDataDirectory(),
                    MaxUploadBytes = (long)(mb * 1024 * 1024),
                    ConsoleLog = true,
                    LibraryIndex = parse.GetValue(index),
                };
                if (parse.GetValue(workers) is int w) options = options with { Workers = w };
                options = options with { MaxDuration = MaxDurationOption.From(parse) };
                // Kestrel logs a stack trace when the port is taken; find out first and say it in one line.
                if (PortCheck.Problem(options.Host, options.Port) is { } taken) throw new GrooveException(taken);
                var app = GrooveWebApp.Build(options, BeatTrackers.Create(parse.GetValue(model)), new ProfileKeyEstimator());
                try
                {
                    await app.StartAsync(ct);
                }
                catch (IOException e)
                {
                    throw new GrooveException($"cannot listen on {options.Host}:{options.Port}: {e.Message}");
                }
                foreach (var url in GrooveWebApp.ListeningUrls(app))
                    Console.WriteLine($"Groove is listening on {url} (Ctrl+C to stop)");
                Console.WriteLine($"Data folder: {Path.GetFullPath(options.DataDirectory)}");
                await app.WaitForShutdownAsync(ct);
                await app.DisposeAsync();
                return 0;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Reporter.Fatal(e);
            }
        });
        return cmd;
    }

}
