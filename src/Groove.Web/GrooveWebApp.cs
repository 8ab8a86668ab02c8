using System.Net;
using Groove.Rhythm;
using Groove.Tonality;
using Groove.Web.Api;
using Groove.Web.Jobs;
using Groove.Web.Upload;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Groove.Web;

/// <summary>
/// Builds the Groove web app: one page where a user uploads a song, watches the analysis progress, sees the waveform
/// with its beats and downbeats, tempo and key, hears the beats clicked, downloads the results, and — with a library
/// index — sees the most similar songs of the library.
/// </summary>
public static class GrooveWebApp
{
    /// <summary>
    /// A ready-to-start app (call <c>RunAsync</c>, or <c>StartAsync</c> and <see cref="ListeningUrls"/>).
    /// </summary>
    /// <param name="options">Address, data folder, limits.</param>
    /// <param name="tracker">Finds the beats of every upload.</param>
    /// <param name="keyEstimator">Finds the key (optional; without it no key is shown).</param>
    /// <exception cref="GrooveException">When an option is invalid or the data folder cannot be created.</exception>
    public static WebApplication Build(GrooveWebOptions options, IBeatTracker tracker, IKeyEstimator? keyEstimator = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tracker);
        options.Validate();
        var listen = ParseHost(options.Host);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        if (options.ConsoleLog)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxUploadBytes + UploadReceiver.MultipartOverhead;
            if (listen is null && options.Port != 0) k.ListenLocalhost(options.Port);
            else k.Listen(listen ?? IPAddress.Loopback, options.Port);
        });

        var store = new JobStore(options.DataDirectory);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(store);
        services.AddSingleton(tracker);
        if (keyEstimator is not null) services.AddSingleton(keyEstimator);
        services.AddSingleton(sp => new AnalysisQueue(options, store, tracker, keyEstimator, sp.GetRequiredService<ILogger<AnalysisQueue>>()));
        services.AddHostedService(sp => sp.GetRequiredService<AnalysisQueue>());
        services.AddHostedService<JobCleaner>();
        services.AddSingleton<UploadReceiver>();
        services.AddSingleton<WavDownloads>();
        var library = options.LibraryIndex is { } index ? new Groove.Web.Library.LibrarySearch(index) : null;
        if (library is not null) services.AddSingleton(library); // disposed with the app
        var assets = new StaticAssets();
        services.AddSingleton(assets);

        var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = ctx => ApiResults.Error(StatusCodes.Status500InternalServerError, "Internal server error.").ExecuteAsync(ctx),
        });
        app.Use(async (ctx, next) =>
        {
            var h = ctx.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            h["Referrer-Policy"] = "no-referrer";
            h.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
                "style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
            await next(ctx);
        });

        JobEndpoints.Map(app, options, tracker, keyEstimator, library is not null);
        LibraryEndpoints.Map(app, library);
        app.MapGet("/", (HttpContext ctx) => assets.Serve(ctx, "index.html"));
        foreach (var name in assets.Names)
            app.MapGet("/" + name, (HttpContext ctx) => assets.Serve(ctx, name));
        app.MapFallback((HttpContext ctx) => ctx.Request.Path.StartsWithSegments("/api")
            ? ApiResults.Error(StatusCodes.Status404NotFound, "Not found.")
            : Results.Text("Not found", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound));
        return app;
    }

    /// <summary>The URLs a started app listens on (with the real port when <see cref="GrooveWebOptions.Port"/> was 0).</summary>
    public static IReadOnlyList<string> ListeningUrls(WebApplication app) =>
        app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary>null for "localhost" (both loopbacks); otherwise the address to bind.</summary>
    private static IPAddress? ParseHost(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return null;
        if (host is "*" or "0.0.0.0") return IPAddress.Any;
        if (host is "::" or "[::]") return IPAddress.IPv6Any;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) return ip;
        throw new GrooveException($"--host {host}: not an IP address (use 127.0.0.1, localhost, 0.0.0.0 or an interface's address)");
    }
}
