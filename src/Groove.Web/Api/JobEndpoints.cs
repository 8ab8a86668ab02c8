using System.Globalization;
using System.Text;
using System.Text.Json;
using Groove.Audio;
using Groove.Rhythm;
using Groove.Web.Jobs;
using Groove.Web.Upload;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Groove.Web.Api;

/// <summary>
/// The JSON API: upload, status, live progress (server-sent events), results and downloads. Every id is validated
/// before use; unknown, malformed and expired ids all answer 404.
/// </summary>
internal static class JobEndpoints
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void Map(IEndpointRouteBuilder app, GrooveWebOptions options, IBeatTracker tracker, Groove.Tonality.IKeyEstimator? key, bool library)
    {
        app.MapGet("/api/config", () =>
            Results.Json(new
            {
                maxUploadBytes = options.MaxUploadBytes,
                maxDurationSeconds = options.MaxDuration.TotalSeconds,
                formats = AudioSniffer.Expected,
                beatTracker = tracker.Name,
                keyEstimator = key?.Name,
                library,
            }));

        app.MapPost("/api/jobs", (HttpContext ctx, UploadReceiver receiver) => receiver.ReceiveAsync(ctx.Request, ctx.RequestAborted));

        app.MapGet("/api/jobs/{id}", (string id, JobStore store) =>
            store.Find(id) is { } job ? Results.Json(job.Status(), JobStore.Json) : ApiResults.NotFound());

        app.MapGet("/api/jobs/{id}/events", (string id, HttpContext ctx, JobStore store) =>
            store.Find(id) is { } job ? StreamEventsAsync(job, ctx) : Task.FromResult(ApiResults.NotFound()));

        app.MapGet("/api/jobs/{id}/result", (string id, HttpRequest request, JobStore store) =>
            WithResult(store, id, (job, _) => Results.File(store.ResultPath(id), "application/json",
                request.Query.ContainsKey("download") ? UploadName.ForDownload(job.Name, ".json") : null)));

        app.MapGet("/api/jobs/{id}/waveform", (string id, JobStore store) =>
            WithResult(store, id, (_, _) => Results.File(store.WaveformPath(id), "application/json")));

        app.MapGet("/api/jobs/{id}/beats", (string id, JobStore store) =>
            WithResult(store, id, (job, result) => Results.File(Encoding.UTF8.GetBytes(BeatsText(result)),
                "text/plain; charset=utf-8", UploadName.ForDownload(job.Name, ".beats"))));

        app.MapGet("/api/jobs/{id}/audio", (string id, JobStore store) =>
            store.Find(id) is { } job && File.Exists(job.InputPath)
                ? Results.File(job.InputPath, AudioSniffer.ContentType(Path.GetExtension(job.InputPath).TrimStart('.')), enableRangeProcessing: true)
                : ApiResults.NotFound());

        app.MapGet("/api/jobs/{id}/audio.wav", (string id, HttpContext ctx, JobStore store, WavDownloads wav) =>
            store.Find(id) is { } job && File.Exists(job.InputPath)
                ? wav.DecodedAsync(job, ctx.RequestAborted)
                : Task.FromResult(ApiResults.NotFound()));

        app.MapGet("/api/jobs/{id}/clicked.wav", (string id, HttpContext ctx, JobStore store, WavDownloads wav) =>
        {
            if (store.Find(id) is not { } job) return Task.FromResult(ApiResults.NotFound());
            if (job.State != JobState.Done) return Task.FromResult(NotReady(job));
            if (store.ReadResult(id) is not { } result) return Task.FromResult(ApiResults.NotFound());
            if (!TryReadClickOptions(ctx.Request.Query, out var clickOptions, out var problem))
                return Task.FromResult(ApiResults.Error(StatusCodes.Status400BadRequest, problem));
            return wav.ClickedAsync(job, result, clickOptions, ctx.RequestAborted);
        });
    }

    private static IResult WithResult(JobStore store, string id, Func<AnalysisJob, AnalysisResult, IResult> answer)
    {
        if (store.Find(id) is not { } job) return ApiResults.NotFound();
        if (job.State != JobState.Done) return NotReady(job);
        return store.ReadResult(id) is { } result ? answer(job, result) : ApiResults.NotFound();
    }

    private static IResult NotReady(AnalysisJob job) => job.State == JobState.Failed
        ? ApiResults.Error(StatusCodes.Status409Conflict, job.Status().Error ?? "The analysis failed.")
        : ApiResults.Error(StatusCodes.Status409Conflict, "The analysis is not finished yet.");

    /// <summary>The .beats text, as <c>groove beats</c> writes it: "time TAB beat-in-bar" per line (0 = unknown position).</summary>
    internal static string BeatsText(AnalysisResult result) =>
        Groove.IO.Annotations.BeatAnnotations.Format(result.Beats.Select(b => new Groove.Beat(b.Time, b.BeatInBar)), decimals: 3, alwaysWritePositions: true);

    /// <summary>Reads <c>gain</c> (dB), <c>accent</c> (1/0/true/false) and <c>accentGain</c> (dB) from the query.</summary>
    internal static bool TryReadClickOptions(IQueryCollection query, out ClickTrackOptions options, out string problem)
    {
        options = new ClickTrackOptions { AccentDownbeats = true };
        problem = "";
        if (query.TryGetValue("gain", out var g))
        {
            if (!double.TryParse(g, NumberStyles.Float, CultureInfo.InvariantCulture, out var gain)) { problem = "gain must be a number of dB"; return false; }
            options = options with { GainDb = gain };
        }
        if (query.TryGetValue("accentGain", out var ag))
        {
            if (!double.TryParse(ag, NumberStyles.Float, CultureInfo.InvariantCulture, out var accentGain)) { problem = "accentGain must be a number of dB"; return false; }
            options = options with { AccentGainDb = accentGain };
        }
        if (query.TryGetValue("accent", out var a))
        {
            var s = a.ToString().ToLowerInvariant();
            if (s is not ("1" or "0" or "true" or "false")) { problem = "accent must be 1 or 0"; return false; }
            options = options with { AccentDownbeats = s is "1" or "true" };
        }
        try
        {
            options.Validate();
        }
        catch (GrooveException e)
        {
            problem = e.Message;
            return false;
        }
        return true;
    }

    /// <summary>Server-sent events: a <c>status</c> event at every change until the job is finished, comments to keep alive.</summary>
    private static async Task<IResult> StreamEventsAsync(AnalysisJob job, HttpContext ctx)
    {
        var response = ctx.Response;
        var ct = ctx.RequestAborted;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await response.StartAsync(ct);
            while (true)
            {
                var status = job.Status();
                await response.WriteAsync($"event: status\ndata: {JsonSerializer.Serialize(status, JobStore.Json)}\n\n", ct);
                await response.Body.FlushAsync(ct);
                if (status.Finished) break;
                await job.WaitForChangeAsync(status.Version, KeepAlive, ct);
                if (job.Status().Version == status.Version)
                {
                    await response.WriteAsync(": keep-alive\n\n", ct);
                    await response.Body.FlushAsync(ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
        }
        return Results.Empty;
    }
}
