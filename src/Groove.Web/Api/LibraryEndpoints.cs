using System.Globalization;
using Groove.Web.Jobs;
using Groove.Web.Library;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Groove.Web.Api;

/// <summary>
/// Similarity search over the library index (<c>groove serve --index LIB</c>), the web form of <c>groove similar</c>:
/// <c>GET /api/library</c> (tracks and model), <c>GET /api/library/similar?track=NAME&amp;k=10</c> (an indexed track) and
/// <c>GET /api/jobs/{id}/similar?k=10</c> (an uploaded song, embedded with the index's model). Without an index
/// they answer 404; k must be 1–100.
/// </summary>
internal static class LibraryEndpoints
{
    private const int MaxK = 100;

    public static void Map(IEndpointRouteBuilder app, LibrarySearch? library)
    {
        app.MapGet("/api/library", () =>
        {
            if (library is null) return NoLibrary();
            var (tracks, model) = library.Summary();
            return Results.Json(new { tracks, model });
        });

        app.MapGet("/api/library/similar", (HttpRequest request) =>
        {
            if (library is null) return NoLibrary();
            if (!TryReadK(request, out int k, out var problem)) return ApiResults.Error(StatusCodes.Status400BadRequest, problem);
            var track = request.Query["track"].ToString();
            if (track.Length == 0) return ApiResults.Error(StatusCodes.Status400BadRequest, "Give the track to search from: ?track=NAME.");
            return Answer(() => library.SimilarToTrack(track, k) is { } answer
                ? Results.Json(answer.Json())
                : ApiResults.Error(StatusCodes.Status404NotFound, $"No indexed track is named '{track}'."));
        });

        app.MapGet("/api/jobs/{id}/similar", (string id, HttpRequest request, JobStore store) =>
        {
            if (library is null) return NoLibrary();
            if (store.Find(id) is not { } job || !File.Exists(job.InputPath)) return ApiResults.NotFound();
            if (!TryReadK(request, out int k, out var problem)) return ApiResults.Error(StatusCodes.Status400BadRequest, problem);
            return Answer(() => Results.Json(library.SimilarToAudio(job.InputPath, job.Name, k).Json()));
        });
    }

    private static IResult NoLibrary() =>
        ApiResults.Error(StatusCodes.Status404NotFound, "This server has no library index (start groove serve with --index LIB).");

    /// <summary>Runs a search; a <see cref="GrooveException"/> (no embeddings yet, an undecodable song, an ambiguous name) is a 422 with its line.</summary>
    private static IResult Answer(Func<IResult> search)
    {
        try { return search(); }
        catch (GrooveException e) { return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, e.Message); }
    }

    private static bool TryReadK(HttpRequest request, out int k, out string problem)
    {
        k = 10;
        problem = "";
        var text = request.Query["k"].ToString();
        if (text.Length == 0) return true;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out k) && k is >= 1 and <= MaxK) return true;
        problem = $"k must be a whole number from 1 to {MaxK}.";
        return false;
    }
}
