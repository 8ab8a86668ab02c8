using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Groove.Audio;
using Groove.Tests.Support;
using Xunit.Abstractions;

namespace Groove.Tests.Web;

public class WebApiTests(ITestOutputHelper output)
{
    internal static readonly string Clip = SharedData.Path("data", "dev", "gtzan20", "audio", "gtzan_blues_00000.wav");

    internal static MultipartFormDataContent Form(byte[] bytes, string fileName)
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "file", fileName);
        return form;
    }

    internal static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(WebTestServer s, HttpContent content)
    {
        using var response = await s.Http.PostAsync("/api/jobs", content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    internal static async Task<JsonElement> WaitFinishedAsync(WebTestServer s, string id, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var status = JsonDocument.Parse(await s.Http.GetStringAsync($"/api/jobs/{id}")).RootElement;
            var state = status.GetProperty("state").GetString();
            if (state is "done" or "failed") return status.Clone();
            Assert.True(DateTime.UtcNow < until, $"job {id} still {state}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits up to 5 s for <paramref name="condition"/> (things the server does after the response is sent).</summary>
    internal static async Task AssertEventuallyAsync(Func<bool> condition, string message)
    {
        for (int i = 0; i < 100 && !condition(); i++) await Task.Delay(50);
        Assert.True(condition(), message);
    }

    /// <summary>Every file under the data folder is in a job folder named by a valid id, under a fixed name.</summary>
    private static void AssertOnlyFixedNamesStored(WebTestServer s)
    {
        var root = Path.Combine(s.DataDirectory, "jobs");
        foreach (var f in Directory.EnumerateFiles(s.Outside, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(root, f);
            Assert.False(rel.StartsWith("..", StringComparison.Ordinal), $"file outside the jobs folder: {f}");
            var parts = rel.Split(Path.DirectorySeparatorChar);
            Assert.Equal(2, parts.Length);
            Assert.Matches("^[0-9a-f]{32}$", parts[0]);
            Assert.Matches(@"^(input\.(wav|mp3|flac|ogg|m4a|aac|aiff)|meta\.json|result\.json|waveform\.json|error\.txt)$", parts[1]);
        }
    }

    [Fact]
    public async Task Text_file_named_mp3_is_refused_with_a_clear_message()
    {
        await using var s = await WebTestServer.StartAsync();
        var (status, body) = await PostAsync(s, Form(Encoding.UTF8.GetBytes("This is not music, just some text.\n"), "song.mp3"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("song.mp3: not an audio file (expected WAV, MP3, FLAC, Ogg, M4A, AAC or AIFF).", body.GetProperty("error").GetString());
        Assert.Empty(Directory.GetDirectories(Path.Combine(s.DataDirectory, "jobs")));
    }

    [Fact]
    public async Task Empty_file_is_refused()
    {
        await using var s = await WebTestServer.StartAsync();
        var (status, body) = await PostAsync(s, Form([], "empty.wav"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("empty.wav: the file is empty.", body.GetProperty("error").GetString());
        Assert.Empty(Directory.GetDirectories(Path.Combine(s.DataDirectory, "jobs")));
    }

    [Fact]
    public async Task Upload_without_a_file_or_not_multipart_is_a_400()
    {
        await using var s = await WebTestServer.StartAsync();
        var (status, body) = await PostAsync(s, new StringContent("hello"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("multipart/form-data", body.GetProperty("error").GetString());
        var form = new MultipartFormDataContent { { new StringContent("x"), "comment" } };
        (status, body) = await PostAsync(s, form);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("holds no file", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Oversize_upload_is_a_413_with_or_without_content_length()
    {
        const int limit = 200 * 1024;
        await using var s = await WebTestServer.StartAsync(o => o with { MaxUploadBytes = limit });
        var big = File.ReadAllBytes(Clip); // 1.3 MB, a real WAV

        // Declared too large: refused from the headers alone ("Expect: 100-continue" keeps the body unsent).
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = Form(big, "big.wav") })
        {
            request.Headers.ExpectContinue = true;
            using var response = await s.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
            Assert.Equal("The file is larger than the 0.2 MB upload limit.", error);
        }

        // Chunked (no Content-Length), a little over the limit: caught while the file streams in.
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs"))
        {
            var form = new MultipartFormDataContent();
            form.Add(new StreamContent(new UnknownLengthStream(big[..(limit + 8 * 1024)])), "file", "big.wav");
            request.Content = form;
            request.Headers.TransferEncodingChunked = true;
            using var response = await s.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("upload limit", await response.Content.ReadAsStringAsync());
        }

        // Chunked and far over: the server answers 413 and drops the connection rather than read on, so a client
        // still sending may see the connection reset instead. Either way nothing is stored and the server carries on.
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs"))
        {
            var form = new MultipartFormDataContent();
            form.Add(new StreamContent(new UnknownLengthStream(big)), "file", "big.wav");
            request.Content = form;
            request.Headers.TransferEncodingChunked = true;
            try
            {
                using var response = await s.Http.SendAsync(request);
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            }
            catch (HttpRequestException e)
            {
                output.WriteLine($"connection dropped while sending: {e.Message}");
            }
        }
        Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync("/api/config")).StatusCode);
        Assert.Empty(Directory.GetDirectories(Path.Combine(s.DataDirectory, "jobs")));
        var queue = (Groove.Web.Jobs.AnalysisQueue)s.App.Services.GetService(typeof(Groove.Web.Jobs.AnalysisQueue))!;
        Assert.Equal(0, queue.InUse); // every refused upload gave its slot back
    }

    [Theory]
    [InlineData("../../../evil.wav", "evil.wav")]
    [InlineData("..\\..\\evil.wav", "evil.wav")]
    [InlineData("/etc/passwd", "passwd")]
    [InlineData("..", "upload")]
    [InlineData("C:\\Users\\me\\Música ünï.wav", "Música ünï.wav")]
    public async Task Path_traversal_names_are_only_labels(string fileName, string shownAs)
    {
        await using var s = await WebTestServer.StartAsync();
        var (status, body) = await PostAsync(s, Form(File.ReadAllBytes(Clip), fileName));
        Assert.Equal(HttpStatusCode.Accepted, status);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal(shownAs, body.GetProperty("name").GetString());
        var done = await WaitFinishedAsync(s, id);
        Assert.Equal("done", done.GetProperty("state").GetString());
        AssertOnlyFixedNamesStored(s);
        Assert.False(File.Exists(Path.Combine(s.Outside, "evil.wav")));
        using var beats = await s.Http.GetAsync($"/api/jobs/{id}/beats");
        var disposition = beats.Content.Headers.ContentDisposition!;
        Assert.DoesNotContain("/", disposition.FileNameStar ?? disposition.FileName);
        Assert.DoesNotContain("\\", disposition.FileNameStar ?? disposition.FileName);
    }

    [Fact]
    public async Task Unknown_malformed_and_expired_ids_are_404_never_an_exception_page()
    {
        await using var s = await WebTestServer.StartAsync();
        foreach (var path in new[]
        {
            "/api/jobs/0123456789abcdef0123456789abcdef", "/api/jobs/0123456789abcdef0123456789abcdef/events",
            "/api/jobs/0123456789abcdef0123456789abcdef/clicked.wav", "/api/jobs/..%2F..%2Fetc/result",
            "/api/jobs/NOT-AN-ID/beats", "/api/jobs/0123456789ABCDEF0123456789ABCDEF", "/api/nothing-here",
        })
        {
            using var r = await s.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType);
            Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()));
        }
        using var page = await s.Http.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("Not found", await page.Content.ReadAsStringAsync());

        // A job that expired (cleaned up by age) answers 404 too.
        var (_, body) = await PostAsync(s, Form(File.ReadAllBytes(Clip), "old.wav"));
        var id = body.GetProperty("id").GetString()!;
        await WaitFinishedAsync(s, id);
        var store = (Groove.Web.Jobs.JobStore)s.App.Services.GetService(typeof(Groove.Web.Jobs.JobStore))!;
        Assert.Equal(0, store.Clean(DateTimeOffset.UtcNow, TimeSpan.FromHours(1), long.MaxValue));
        Assert.Equal(1, store.Clean(DateTimeOffset.UtcNow.AddHours(2), TimeSpan.FromHours(1), long.MaxValue));
        using var gone = await s.Http.GetAsync($"/api/jobs/{id}/result");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Empty(Directory.GetDirectories(Path.Combine(s.DataDirectory, "jobs")));
    }

    [Fact]
    public async Task Cleanup_by_total_size_deletes_the_oldest_jobs_first()
    {
        await using var s = await WebTestServer.StartAsync();
        var ids = new List<string>();
        foreach (var name in new[] { "a.wav", "b.wav", "c.wav" })
        {
            var (_, body) = await PostAsync(s, Form(File.ReadAllBytes(Clip), name));
            ids.Add(body.GetProperty("id").GetString()!);
            await WaitFinishedAsync(s, ids[^1]);
            await Task.Delay(20);
        }
        var store = (Groove.Web.Jobs.JobStore)s.App.Services.GetService(typeof(Groove.Web.Jobs.JobStore))!;
        long oneJob = new FileInfo(Clip).Length;
        // Room for a bit more than two jobs: the oldest one goes.
        Assert.Equal(1, store.Clean(DateTimeOffset.UtcNow, TimeSpan.FromDays(1), oneJob * 2 + oneJob / 2));
        Assert.Equal(HttpStatusCode.NotFound, (await s.Http.GetAsync($"/api/jobs/{ids[0]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync($"/api/jobs/{ids[1]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync($"/api/jobs/{ids[2]}")).StatusCode);
    }

    [Fact]
    public async Task Results_downloads_and_progress_events()
    {
        using var gate = new ManualResetEventSlim();
        await using var s = await WebTestServer.StartAsync(tracker: new PeriodicTestBeatTracker(stepDelay: TimeSpan.FromMilliseconds(20), gate: gate));
        var (status, body) = await PostAsync(s, Form(File.ReadAllBytes(Clip), "blues.wav"));
        Assert.Equal(HttpStatusCode.Accepted, status);
        var id = body.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", id);

        // Server-sent events: the job is seen mid-way (the tracker waits for the gate), progress only grows, and the
        // stream ends with "done".
        using var events = await s.Http.GetAsync($"/api/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        var progress = new List<double>();
        var states = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            var e = JsonDocument.Parse(line[6..]).RootElement;
            progress.Add(e.GetProperty("progress").GetDouble());
            states.Add(e.GetProperty("state").GetString()!);
            gate.Set();
        }
        Assert.Contains(states[0], new[] { "queued", "decoding", "beats" });
        Assert.True(progress[0] < 1);
        Assert.Equal("done", states[^1]);
        Assert.True(progress.Count >= 2, $"only {progress.Count} events");
        for (int i = 1; i < progress.Count; i++) Assert.True(progress[i] >= progress[i - 1]);
        Assert.Equal(1.0, progress[^1]);

        var song = AudioFile.Load(Clip);
        var result = JsonDocument.Parse(await s.Http.GetStringAsync($"/api/jobs/{id}/result")).RootElement;
        Assert.Equal("blues.wav", result.GetProperty("file").GetString());
        Assert.Equal(120, result.GetProperty("tempo").GetDouble());
        Assert.Equal(song.Duration, result.GetProperty("duration").GetDouble(), 3);
        int beatCount = result.GetProperty("beats").GetArrayLength();
        Assert.Equal((int)Math.Ceiling((song.Duration - 0.5) / 0.5), beatCount);

        var beatsText = await s.Http.GetStringAsync($"/api/jobs/{id}/beats");
        Assert.Equal(beatCount, beatsText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("0.500\t1\n1.000\t2\n", beatsText);

        var waveform = JsonDocument.Parse(await s.Http.GetStringAsync($"/api/jobs/{id}/waveform")).RootElement;
        Assert.InRange(waveform.GetProperty("max").GetArrayLength(), 2990, 3010);

        using var wav = await s.Http.GetAsync($"/api/jobs/{id}/clicked.wav?gain=-10&accent=1&accentGain=6");
        Assert.Equal(HttpStatusCode.OK, wav.StatusCode);
        Assert.Equal("blues (clicks).wav", wav.Content.Headers.ContentDisposition?.FileNameStar);
        using var dir = new TempDir();
        var path = dir.File("clicked.wav");
        await File.WriteAllBytesAsync(path, await wav.Content.ReadAsByteArrayAsync());
        var clicked = AudioFile.Load(path);
        Assert.Equal(song.Length, clicked.Length);
        Assert.Equal(song.SampleRate, clicked.SampleRate);
        // The same bytes as the library renders for these beats and options (what `groove click` writes).
        var expected = ClickTrackRenderer.Render(song,
            Enumerable.Range(0, beatCount).Select(i => new Groove.Beat(0.5 + 0.5 * i, i % 4 + 1)).ToList(),
            new ClickTrackOptions { GainDb = -10, AccentDownbeats = true, AccentGainDb = 6 });
        var expectedPath = dir.File("expected.wav");
        WavWriter.Write(expectedPath, expected);
        Assert.Equal(await File.ReadAllBytesAsync(expectedPath), await File.ReadAllBytesAsync(path));
        // The temporary render is deleted once sent.
        await AssertEventuallyAsync(() => Directory.GetFiles(Path.Combine(s.DataDirectory, "jobs", id), ".render-*").Length == 0,
            "the temporary render was not deleted after it was sent");

        using var bad = await s.Http.GetAsync($"/api/jobs/{id}/clicked.wav?gain=loud");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var tooLoud = await s.Http.GetAsync($"/api/jobs/{id}/clicked.wav?gain=40");
        Assert.Equal(HttpStatusCode.BadRequest, tooLoud.StatusCode);

        using var audio = await s.Http.GetAsync($"/api/jobs/{id}/audio");
        Assert.Equal("audio/wav", audio.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new FileInfo(Clip).Length, (await audio.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task Queued_jobs_show_their_place_in_line()
    {
        using var gate = new ManualResetEventSlim();
        await using var s = await WebTestServer.StartAsync(o => o with { Workers = 1, QueueCapacity = 4 },
            new PeriodicTestBeatTracker(gate: gate));
        var bytes = File.ReadAllBytes(Clip);
        var ids = new List<string>();
        for (int i = 0; i < 3; i++)
            ids.Add((await PostAsync(s, Form(bytes, $"q{i}.wav"))).Body.GetProperty("id").GetString()!);
        async Task<JsonElement> StatusOf(string id) => JsonDocument.Parse(await s.Http.GetStringAsync($"/api/jobs/{id}")).RootElement.Clone();
        // The first job holds the only worker (its tracker waits for the gate).
        await AssertEventuallyAsync(() => StatusOf(ids[0]).Result.GetProperty("state").GetString() == "beats", "first job never started");
        Assert.Equal("Next in line", (await StatusOf(ids[1])).GetProperty("stage").GetString());
        Assert.Equal("Waiting (1 song ahead)", (await StatusOf(ids[2])).GetProperty("stage").GetString());
        Assert.Equal("queued", (await StatusOf(ids[2])).GetProperty("state").GetString());
        gate.Set();
        foreach (var id in ids)
            Assert.Equal("done", (await WaitFinishedAsync(s, id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Undecodable_audio_fails_the_job_with_the_upload_name_not_a_server_path()
    {
        await using var s = await WebTestServer.StartAsync();
        var bytes = new byte[1000];
        "RIFF"u8.CopyTo(bytes);
        "WAVE"u8.CopyTo(bytes.AsSpan(8));
        var (status, body) = await PostAsync(s, Form(bytes, "broken.wav"));
        Assert.Equal(HttpStatusCode.Accepted, status);
        var done = await WaitFinishedAsync(s, body.GetProperty("id").GetString()!);
        Assert.Equal("failed", done.GetProperty("state").GetString());
        var error = done.GetProperty("error").GetString()!;
        output.WriteLine(error);
        Assert.StartsWith("broken.wav", error);
        Assert.DoesNotContain(s.DataDirectory, error);
        using var result = await s.Http.GetAsync($"/api/jobs/{done.GetProperty("id").GetString()}/result");
        Assert.Equal(HttpStatusCode.Conflict, result.StatusCode);
    }

    [Fact]
    public async Task Flac_upload_is_sniffed_stored_and_decoded()
    {
        await using var s = await WebTestServer.StartAsync();
        var flac = SharedData.Path("data", "dev", "madmom", "stereo_sample.flac");
        var (status, body) = await PostAsync(s, Form(File.ReadAllBytes(flac), "stereo.flac.mp3"));
        Assert.Equal(HttpStatusCode.Accepted, status);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal("done", (await WaitFinishedAsync(s, id)).GetProperty("state").GetString());
        Assert.True(File.Exists(Path.Combine(s.DataDirectory, "jobs", id, "input.flac")));
        var result = JsonDocument.Parse(await s.Http.GetStringAsync($"/api/jobs/{id}/result")).RootElement;
        var song = AudioFile.Load(flac);
        Assert.Equal(song.ChannelCount, result.GetProperty("channels").GetInt32());
        Assert.Equal(song.Duration, result.GetProperty("duration").GetDouble(), 3);
        using var audio = await s.Http.GetAsync($"/api/jobs/{id}/audio");
        Assert.Equal("audio/flac", audio.Content.Headers.ContentType?.MediaType);

        // The decoded song as WAV, for browsers that cannot decode the upload's format.
        using var wav = await s.Http.GetAsync($"/api/jobs/{id}/audio.wav");
        Assert.Equal("audio/wav", wav.Content.Headers.ContentType?.MediaType);
        using var dir = new TempDir();
        await File.WriteAllBytesAsync(dir.File("decoded.wav"), await wav.Content.ReadAsByteArrayAsync());
        var decoded = AudioFile.Load(dir.File("decoded.wav"));
        Assert.Equal(song.Length, decoded.Length);
        Assert.Equal(song.ChannelCount, decoded.ChannelCount);
        Assert.Equal(song.Channels[1][1000], decoded.Channels[1][1000], 1.0 / 32768);
        await AssertEventuallyAsync(() => Directory.GetFiles(Path.Combine(s.DataDirectory, "jobs", id), ".render-*").Length == 0,
            "the temporary render was not deleted after it was sent");
    }

    [Theory]
    [InlineData("aiff", "aiff")]
    [InlineData("mp3", "mp3")]
    [InlineData("ogg", "ogg")]
    [InlineData("m4a", "m4a")]
    public async Task Compressed_and_other_formats_are_accepted_and_analysed(string ffmpegExtension, string storedAs)
    {
        using var dir = new TempDir();
        var encoded = dir.File("clip." + ffmpegExtension);
        var psi = new System.Diagnostics.ProcessStartInfo("ffmpeg", ["-v", "error", "-i", Clip, "-t", "4", encoded]) { RedirectStandardError = true };
        using (var ffmpeg = System.Diagnostics.Process.Start(psi)!)
        {
            var err = await ffmpeg.StandardError.ReadToEndAsync();
            await ffmpeg.WaitForExitAsync();
            Assert.True(ffmpeg.ExitCode == 0, $"ffmpeg could not make the {ffmpegExtension} test file: {err}");
        }
        await using var s = await WebTestServer.StartAsync();
        var (status, body) = await PostAsync(s, Form(File.ReadAllBytes(encoded), "no extension"));
        Assert.Equal(HttpStatusCode.Accepted, status);
        var id = body.GetProperty("id").GetString()!;
        var done = await WaitFinishedAsync(s, id);
        Assert.Equal("done", done.GetProperty("state").GetString());
        Assert.True(File.Exists(Path.Combine(s.DataDirectory, "jobs", id, "input." + storedAs)));
        var result = JsonDocument.Parse(await s.Http.GetStringAsync($"/api/jobs/{id}/result")).RootElement;
        Assert.InRange(result.GetProperty("duration").GetDouble(), 3.9, 4.15);
    }

    [Fact]
    public async Task Finished_jobs_survive_a_restart()
    {
        using var keep = new TempDir();
        var data = Path.Combine(keep.Path, "data");
        string id;
        await using (var s = await WebTestServer.StartAsync(o => o with { DataDirectory = data }))
        {
            var (_, body) = await PostAsync(s, Form(File.ReadAllBytes(Clip), "kept.wav"));
            id = body.GetProperty("id").GetString()!;
            await WaitFinishedAsync(s, id);
        }
        await using (var s = await WebTestServer.StartAsync(o => o with { DataDirectory = data }))
        {
            var status = JsonDocument.Parse(await s.Http.GetStringAsync($"/api/jobs/{id}")).RootElement;
            Assert.Equal("done", status.GetProperty("state").GetString());
            Assert.Equal("kept.wav", status.GetProperty("name").GetString());
            Assert.Contains("0.500\t1", await s.Http.GetStringAsync($"/api/jobs/{id}/beats"));
        }
    }

    /// <summary>A read-only stream that does not know its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }
}
