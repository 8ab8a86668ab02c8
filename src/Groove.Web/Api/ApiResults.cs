using Microsoft.AspNetCore.Http;

namespace Groove.Web.Api;

/// <summary>The API's error answers: JSON <c>{"error": "one line"}</c> with a fitting status code.</summary>
internal static class ApiResults
{
    public static IResult Error(int status, string message) =>
        Results.Json(new { error = message }, statusCode: status);

    public static IResult NotFound() => Error(StatusCodes.Status404NotFound, "No such job (the id is unknown, or the job has expired).");

    public static IResult Busy() => new BusyResult();

    /// <summary>503 with Retry-After, for a full queue.</summary>
    private sealed class BusyResult : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.RetryAfter = "5";
            return Error(StatusCodes.Status503ServiceUnavailable,
                "The server is busy analysing other songs; please try again in a few seconds.").ExecuteAsync(context);
        }
    }
}
