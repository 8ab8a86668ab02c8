using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Groove.Tests.Audio;
using Groove.Tests.Support;
using Groove.Web.Jobs;

namespace Groove.Tests.Web;

/// <summary>Bad uploads, long songs and restarts (issue 20): a clear answer for each, and no accepted song lost.</summary>
public class WebHardeningTests
{
    private static byte[] Wav(double seconds)
    {
        using var dir = new TempDir();
        var path = dir.File("a.wav");
        AudioTestFiles.Wav(path, 8000, Signals.Sine(440, 8000, (int)(seconds * 8000)));
        return File.ReadAllBytes(path);
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostRawAsync(WebTestServer s, byte[] body, string boundary = "groove-boundary")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        using var response = await s.Http.PostAsync("/api/jobs", content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string ErrorOf(string json) => JsonDocument.Parse(json).RootElement.GetProperty("error").GetString()!;

    [Fact]
    public async Task A_multipart_upload_with_an_empty_body_is_400_with_a_message()
    {
        await using var s = await WebTestServer.StartAsync();
        var (status, body) = await PostRawAsync(s, []);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrWhiteSpace(ErrorOf(body)));
    }

    [Fact]
    public async Task A_multipart_upload_without_its_closing_boundary_is_400_with_a_message()
    {
        await using var s = await WebTestServer.StartAsync();
        var head = Encoding.ASCII.GetBytes("--groove-boundary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n" +
                                           "Content-Type: audio/wav\r\n\r\n");
        var (status, body) = await PostRawAsync(s, [.. head, .. Wav(1)]);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("cut short", ErrorOf(body));
        // Nothing of the broken upload is kept.
        await WebApiTests.AssertEventuallyAsync(() => !Directory.EnumerateDirectories(Path.Combine(s.DataDirectory, "jobs")).Any(),
            "the broken upload's folder was not deleted");
    }

    /// <summary>A well-formed upload, to mutate.</summary>
    private static byte[] ValidMultipart(byte[] file)
    {
        var head = Encoding.ASCII.GetBytes("--groove-boundary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n" +
                                           "Content-Type: audio/wav\r\n\r\n");
        return [.. head, .. file, .. Encoding.ASCII.GetBytes("\r\n--groove-boundary--\r\n")];
    }

    [Fact]
    public async Task Random_and_mutated_multipart_uploads_get_an_answer_never_a_500()
    {
        await using var s = await WebTestServer.StartAsync(o => o with { QueueCapacity = 64 });
        var valid = ValidMultipart(Wav(0.05));
        var gen = CsCheck.Gen.OneOf(Groove.Tests.Fuzz.Fuzzing.Mutations(valid), Groove.Tests.Fuzz.Fuzzing.RandomBytes(300));
        await CsCheck.Check.SampleAsync(gen, async body =>
        {
            var (status, text) = await PostRawAsync(s, body);
            Assert.True((int)status is 202 or (>= 400 and < 500) or 503, $"HTTP {(int)status}: {text}");
            if ((int)status >= 400) Assert.False(string.IsNullOrWhiteSpace(ErrorOf(text)));
        }, iter: 120, threads: 1);
        // The server is still up and answers.
        Assert.Contains("maxUploadBytes", await s.Http.GetStringAsync("/api/config"));
    }

    [Fact]
    public async Task A_song_longer_than_the_server_takes_is_refused_at_upload()
    {
        await using var s = await WebTestServer.StartAsync(o => o with { MaxDuration = TimeSpan.FromSeconds(2) });
        var (status, body) = await WebApiTests.PostAsync(s, WebApiTests.Form(Wav(3), "long.wav"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        var message = body.GetProperty("error").GetString()!;
        Assert.Equal("long.wav: the song is 0:03 long; this server analyses songs up to 0:02.", message);
        Assert.DoesNotContain("AudioLoadOptions", message);
        Assert.Equal(2, JsonDocument.Parse(await s.Http.GetStringAsync("/api/config")).RootElement.GetProperty("maxDurationSeconds").GetDouble());

        var (ok, _) = await WebApiTests.PostAsync(s, WebApiTests.Form(Wav(1), "short.wav"));
        Assert.Equal(HttpStatusCode.Accepted, ok);
    }

    [Fact]
    public async Task Jobs_left_unfinished_by_a_killed_server_run_when_it_starts_again()
    {
        // What a killed server leaves: an upload with its meta, no result, no error.
        await using var first = await WebTestServer.StartAsync();
        await first.App.StopAsync();
        var id = JobId.New();
        var dir = Path.Combine(first.DataDirectory, "jobs", id);
        Directory.CreateDirectory(dir);
        var wav = Wav(2);
        File.WriteAllBytes(Path.Combine(dir, "input.wav"), wav);
        File.WriteAllText(Path.Combine(dir, "meta.json"),
            JsonSerializer.Serialize(new JobMeta("left-over.wav", "wav", wav.Length, DateTimeOffset.UtcNow), JobStore.Json));

        await using var second = await WebTestServer.StartAsync(o => o with { DataDirectory = first.DataDirectory });
        var status = await WebApiTests.WaitFinishedAsync(second, id);
        Assert.Equal("done", status.GetProperty("state").GetString());
        Assert.True(File.Exists(Path.Combine(dir, "result.json")));
    }

    [Fact]
    public async Task A_job_running_when_the_server_stops_is_resumed_on_the_next_start()
    {
        using var gate = new ManualResetEventSlim(false); // never set: the job is mid-way when the server stops
        await using var first = await WebTestServer.StartAsync(tracker: new PeriodicTestBeatTracker(gate: gate));
        var (status, body) = await WebApiTests.PostAsync(first, WebApiTests.Form(Wav(2), "song.wav"));
        Assert.Equal(HttpStatusCode.Accepted, status);
        var id = body.GetProperty("id").GetString()!;
        for (int i = 0; i < 200; i++)
        {
            var state = JsonDocument.Parse(await first.Http.GetStringAsync($"/api/jobs/{id}")).RootElement.GetProperty("state").GetString();
            if (state == "beats") break;
            await Task.Delay(50);
        }
        await first.App.StopAsync();
        Assert.False(File.Exists(Path.Combine(first.DataDirectory, "jobs", id, "error.txt")), "the stop was stored as a failure");

        await using var second = await WebTestServer.StartAsync(o => o with { DataDirectory = first.DataDirectory });
        var finished = await WebApiTests.WaitFinishedAsync(second, id);
        Assert.Equal("done", finished.GetProperty("state").GetString());
    }
}
