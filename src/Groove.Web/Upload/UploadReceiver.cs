using System.Buffers;
using Groove.Web.Api;
using Groove.Web.Jobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Groove.Web.Upload;

/// <summary>
/// Receives one song as <c>multipart/form-data</c> (a file field), streaming it straight into a new job folder:
/// never buffered in memory, size-capped while it arrives, its format sniffed from its first bytes. Answers
/// 202 with the job, or a 4xx/503 with a one-line message.
/// </summary>
internal sealed class UploadReceiver(JobStore store, AnalysisQueue queue, GrooveWebOptions options)
{
    /// <summary>Room for the multipart boundaries and headers around the file.</summary>
    public const long MultipartOverhead = 64 * 1024;

    public async Task<IResult> ReceiveAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is long declared && declared > options.MaxUploadBytes + MultipartOverhead)
            return TooLarge();
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
            return ApiResults.Error(StatusCodes.Status400BadRequest, "Send the song as multipart/form-data in a field named \"file\".");
        if (!queue.TryReserve()) return ApiResults.Busy();

        string? id = null;
        bool queued = false;
        try
        {
            var reader = new MultipartReader(boundary, request.Body)
            {
                HeadersLengthLimit = 16 * 1024,
                BodyLengthLimit = options.MaxUploadBytes + MultipartOverhead, // the default (128 MB) would cap larger limits
            };
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.IsFileDisposition())
                    continue;
                var name = UploadName.ForDisplay(disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : disposition.FileName.Value);
                id = store.CreateJobDirectory();
                var partial = Path.Combine(store.DirectoryOf(id), "upload.part");
                var (outcome, bytes, format) = await CopyAsync(section.Body, partial, ct);
                switch (outcome)
                {
                    case CopyOutcome.TooLarge:
                        return TooLarge();
                    case CopyOutcome.Empty:
                        return ApiResults.Error(StatusCodes.Status400BadRequest, $"{name}: the file is empty.");
                    case CopyOutcome.NotAudio:
                        return ApiResults.Error(StatusCodes.Status415UnsupportedMediaType,
                            $"{name}: not an audio file (expected {AudioSniffer.Expected}).");
                }
                var input = store.InputPath(id, format!);
                File.Move(partial, input);
                if (TooLong(input, name, format!) is { } refusal) return refusal;
                var job = new AnalysisJob(id, name, input, DateTimeOffset.UtcNow);
                store.Register(job, new JobMeta(name, format!, bytes, job.Created));
                queue.Enqueue(job);
                queued = true;
                return Results.Json(job.Status(), JobStore.Json, statusCode: StatusCodes.Status202Accepted);
            }
            return ApiResults.Error(StatusCodes.Status400BadRequest, "The upload holds no file (expected a form field named \"file\").");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "The upload was malformed or cut short.");
        }
        catch (Exception e) when ((e is IOException or OperationCanceledException) && ct.IsCancellationRequested)
        {
            return Results.Empty; // the client went away
        }
        catch (IOException)
        {
            // The body ended before the multipart did (no closing boundary, an empty body).
            return ApiResults.Error(StatusCodes.Status400BadRequest, "The upload was malformed or cut short (the multipart body ended early).");
        }
        finally
        {
            if (!queued)
            {
                queue.Release();
                if (id is not null) store.Delete(id);
            }
        }
    }

    private enum CopyOutcome { Ok, Empty, NotAudio, TooLarge }

    /// <summary>Copies the file part to <paramref name="path"/>, stopping as soon as it proves too large or not audio.</summary>
    private async Task<(CopyOutcome, long, string?)> CopyAsync(Stream body, string path, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        var header = new byte[AudioSniffer.HeaderLength];
        int headerLength = 0;
        long total = 0;
        string? format = null;
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            int n;
            while ((n = await body.ReadAsync(buffer, ct)) > 0)
            {
                total += n;
                if (total > options.MaxUploadBytes) return (CopyOutcome.TooLarge, total, null);
                if (format is null)
                {
                    int take = Math.Min(n, header.Length - headerLength);
                    buffer.AsSpan(0, take).CopyTo(header.AsSpan(headerLength));
                    headerLength += take;
                    if (headerLength == header.Length)
                    {
                        format = AudioSniffer.Sniff(header);
                        if (format is null) return (CopyOutcome.NotAudio, total, null);
                    }
                }
                await file.WriteAsync(buffer.AsMemory(0, n), ct);
            }
            if (total == 0) return (CopyOutcome.Empty, 0, null);
            format ??= AudioSniffer.Sniff(header.AsSpan(0, headerLength));
            return format is null ? (CopyOutcome.NotAudio, total, null) : (CopyOutcome.Ok, total, format);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A 413 when the header of the stored upload says it is longer than the server takes; null otherwise
    /// (also when the header has no duration: then decoding stops at the limit).</summary>
    private IResult? TooLong(string input, string name, string format)
    {
        double? seconds;
        try { seconds = Groove.Audio.AudioFile.Probe(input).Duration; }
        catch (GrooveException) { return null; } // the analysis reports what is wrong with it
        double limit = options.MaxDuration.TotalSeconds;
        // A WAV header's length is exact; compressed formats may only estimate it: refuse those when clearly over
        // (as AudioFile.Load does), and let decoding stop at the limit otherwise.
        if (seconds is not { } s || s <= (format == "wav" ? limit : limit * 1.02 + 1)) return null;
        return ApiResults.Error(StatusCodes.Status413PayloadTooLarge,
            $"{name}: the song is {Clock(s)} long; this server analyses songs up to {Clock(options.MaxDuration.TotalSeconds)}.");
    }

    /// <summary>"3:05" or "1:02:03".</summary>
    internal static string Clock(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}" : $"{(int)t.TotalMinutes}:{t.Seconds:D2}";
    }

    private IResult TooLarge() => ApiResults.Error(StatusCodes.Status413PayloadTooLarge,
        $"The file is larger than the {options.MaxUploadBytes / (1024.0 * 1024):0.#} MB upload limit.");
}
