using Groove.Rhythm;
using Groove.Tests.Support;
using Groove.Web;
using Microsoft.AspNetCore.Builder;

namespace Groove.Tests.Web;

/// <summary>The web app on a free loopback port with a fresh data folder, stopped and deleted on dispose.</summary>
internal sealed class WebTestServer : IAsyncDisposable
{
    private readonly TempDir _dir = new();

    public WebApplication App { get; private set; } = null!;
    public Uri BaseUri { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public string DataDirectory => Path.Combine(_dir.Path, "data");
    /// <summary>The folder that holds the data folder: nothing may ever be written here by an upload.</summary>
    public string Outside => _dir.Path;

    public static async Task<WebTestServer> StartAsync(Func<GrooveWebOptions, GrooveWebOptions>? configure = null, IBeatTracker? tracker = null,
        Groove.Tonality.IKeyEstimator? keyEstimator = null)
    {
        var server = new WebTestServer();
        var options = new GrooveWebOptions { Port = 0, Host = "127.0.0.1", DataDirectory = server.DataDirectory, Workers = 2, ConsoleLog = Environment.GetEnvironmentVariable("GROOVE_WEB_LOG") == "1" };
        if (configure is not null) options = configure(options);
        server.App = GrooveWebApp.Build(options, tracker ?? new PeriodicTestBeatTracker(), keyEstimator);
        await server.App.StartAsync();
        server.BaseUri = new Uri(GrooveWebApp.ListeningUrls(server.App).Single());
        server.Http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
        _dir.Dispose();
    }
}
