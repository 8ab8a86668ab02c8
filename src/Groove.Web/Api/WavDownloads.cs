using Groove.Audio;
using Groove.Rhythm;
using Groove.Web.Jobs;
using Groove.Web.Upload;
using Microsoft.AspNetCore.Http;

namespace Groove.Web.Api;

/// <summary>
/// The WAV answers, rendered on demand at most <see cref="GrooveWebOptions.Workers"/> at a time into a temporary
/// file in the job's folder that is deleted once sent: the song with clicks (<see cref="ClickTrackRenderer"/>, the
/// same code as <c>groove click</c>), and the decoded song itself for browsers that cannot decode the upload.
/// </summary>
internal sealed class WavDownloads(GrooveWebOptions options)
{
    private readonly SemaphoreSlim _gate = new(options.Workers);

    /// <summary>The song with a click at every beat of <paramref name="result"/>, as an attachment.</summary>
    public Task<IResult> ClickedAsync(AnalysisJob job, AnalysisResult result, ClickTrackOptions clickOptions, CancellationToken ct) =>
        RenderAsync(job, UploadName.ForDownload(job.Name, " (clicks).wav"), audio =>
        {
            var beats = result.Beats.Select(b => new Beat(b.Time, b.BeatInBar)).ToList();
            return ClickTrackRenderer.Render(audio, beats, clickOptions);
        }, ct);

    /// <summary>The decoded upload as 16-bit WAV, inline (for playback).</summary>
    public Task<IResult> DecodedAsync(AnalysisJob job, CancellationToken ct) => RenderAsync(job, null, audio => audio, ct);

    private async Task<IResult> RenderAsync(AnalysisJob job, string? downloadName, Func<AudioBuffer, AudioBuffer> render, CancellationToken ct)
    {
        var dir = Path.GetDirectoryName(job.InputPath)!;
        var tmp = Path.Combine(dir, $".render-{Guid.NewGuid():N}.tmp");
        if (!await _gate.WaitAsync(TimeSpan.FromSeconds(30), ct)) return ApiResults.Busy();
        try
        {
            await Task.Run(() =>
            {
                var audio = AudioFile.Load(job.InputPath, new AudioLoadOptions { CancellationToken = ct });
                WavWriter.Write(tmp, render(audio));
            }, ct);
        }
        catch (Exception e) when (e is GrooveException or IOException)
        {
            TryDelete(tmp);
            return ApiResults.Error(StatusCodes.Status500InternalServerError, "Could not render the WAV file: " +
                e.Message.Replace(job.InputPath, job.Name, StringComparison.Ordinal));
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
        finally
        {
            _gate.Release();
        }
        var stream = new FileStream(tmp, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        return Results.Stream(stream, "audio/wav", downloadName);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
