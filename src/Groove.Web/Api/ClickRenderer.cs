using Groove.Audio;
using Groove.Rhythm;
using Groove.Web.Jobs;
using Groove.Web.Upload;
using Microsoft.AspNetCore.Http;

namespace Groove.Web.Api;

/// <summary>
/// Renders the "song with clicks" download with <see cref="ClickTrackRenderer"/> (the same code as <c>groove click</c>),
/// at most <see cref="GrooveWebOptions.Workers"/> at a time, into a temporary file in the job's folder that is
/// deleted once sent.
/// </summary>
internal sealed class ClickRenderer(GrooveWebOptions options)
{
    private readonly SemaphoreSlim _gate = new(options.Workers);

    public async Task<IResult> RenderAsync(AnalysisJob job, AnalysisResult result, ClickTrackOptions clickOptions, CancellationToken ct)
    {
        var dir = Path.GetDirectoryName(job.InputPath)!;
        var tmp = Path.Combine(dir, $".render-{Guid.NewGuid():N}.tmp");
        if (!await _gate.WaitAsync(TimeSpan.FromSeconds(30), ct)) return ApiResults.Busy();
        try
        {
            await Task.Run(() =>
            {
                var audio = AudioFile.Load(job.InputPath, new AudioLoadOptions { CancellationToken = ct });
                var beats = result.Beats.Select(b => new Beat(b.Time, b.BeatInBar)).ToList();
                var clicked = ClickTrackRenderer.Render(audio, beats, clickOptions);
                WavWriter.Write(tmp, clicked);
            }, ct);
        }
        catch (Exception e) when (e is GrooveException or IOException)
        {
            TryDelete(tmp);
            return ApiResults.Error(StatusCodes.Status500InternalServerError, "Could not render the click track: " +
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
        return Results.Stream(stream, "audio/wav", UploadName.ForDownload(job.Name, " (clicks).wav"));
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
