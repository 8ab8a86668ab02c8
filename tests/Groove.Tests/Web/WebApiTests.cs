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
    private static readonly string Clip = SharedData.Path("data", "dev", "gtzan20", "audio", "gtzan_blues_00000.wav");

    private static MultipartFormDataContent Form(byte[] bytes, string fileName)
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "file", fileName);
        return form;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(WebTestServer s, HttpContent content)
    {
        using var response = await s.Http.PostAsync("/api/jobs", content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static async Task<JsonElement> WaitFinishedAsync(WebTestServer s, string id, TimeSpan? timeout = null)
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
            Assert.Matches(@"^(input\.(wav|mp3|flac|ogg|m4a|aac)|meta\.json|result\.json|waveform\.json|error\.txt)$", parts[1]);
        }
    }

    [Fact]
    public async Task Text_file_named_mp3_is_refused_with_a_clear_message()
    {
        await using var s = await WebTestServer.StartAsync();
        var (status, body) = await PostAsync(s, Form(Encoding.UTF8.GetBytes("This is not music, just some text.\n"), "song.mp3"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("song.mp3: not an audio file (expected WAV, MP3, FLAC, Ogg, M4A or AAC).", body.GetProperty("error").GetString());
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
        await using var s = await WebTestServer.StartAsync(o => o with { MaxUploadBytes = 200 * 1024 });
        var big = File.ReadAllBytes(Clip); // 1.3 MB, a real WAV
        var (status, body) = await PostAsync(s, Form(big, "big.wav"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("The file is larger than the 0.2 MB upload limit.", body.GetProperty("error").GetString());

        // Chunked (no Content-Length): the limit is enforced while the body streams in.
        var form = new MultipartFormDataContent();
        form.Add(new StreamContent(new UnknownLengthStream(big)), "file", "big.wav");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = form };
        request.Headers.TransferEncodingChunked = true;
        using var response = await s.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("upload limit", await response.Content.ReadAsStringAsync());
        Assert.Empty(Directory.GetDirectories(Path.Combine(s.DataDirectory, "jobs")));
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
        await using var s = await WebTestServer.StartAsync(tracker: new PeriodicTestBeatTracker(stepDelay: TimeSpan.FromMilliseconds(30)));
        var (status, body) = await PostAsync(s, Form(File.ReadAllBytes(Clip), "blues.wav"));
        Assert.Equal(HttpStatusCode.Accepted, status);
        var id = body.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", id);

        // Server-sent events: progress only grows, and the stream ends with "done".
        using var events = await s.Http.GetAsync($"/api/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        var progress = new List<double>();
        string? last = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            var e = JsonDocument.Parse(line[6..]).RootElement;
            progress.Add(e.GetProperty("progress").GetDouble());
            last = e.GetProperty("state").GetString();
        }
        Assert.Equal("done", last);
        Assert.True(progress.Count >= 3, $"only {progress.Count} events");
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
            Enumerable.Range(0, beatCount).Select(i => new Groove.Rhythm.Beat(0.5 + 0.5 * i, i % 4 + 1)).ToList(),
            new ClickTrackOptions { GainDb = -10, AccentDownbeats = true, AccentGainDb = 6 });
        using (var ms = new MemoryStream())
        {
            ClickTrackWav.Write(ms, expected);
            Assert.Equal(ms.ToArray(), await File.ReadAllBytesAsync(path));
        }
        // The temporary render is deleted once sent.
        Assert.Empty(Directory.GetFiles(Path.Combine(s.DataDirectory, "jobs", id), ".render-*"));

        using var bad = await s.Http.GetAsync($"/api/jobs/{id}/clicked.wav?gain=loud");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var tooLoud = await s.Http.GetAsync($"/api/jobs/{id}/clicked.wav?gain=40");
        Assert.Equal(HttpStatusCode.BadRequest, tooLoud.StatusCode);

        using var audio = await s.Http.GetAsync($"/api/jobs/{id}/audio");
        Assert.Equal("audio/wav", audio.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new FileInfo(Clip).Length, (await audio.Content.ReadAsByteArrayAsync()).Length);
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

    /// <summary>Live managed bytes after a full, compacting collection, without the pinned heap (Kestrel's and the sockets' buffer pools).</summary>
    private static long LiveHeapBytes()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var gens = info.GenerationInfo;
        long live = 0;
        for (int g = 0; g < Math.Min(4, gens.Length); g++) live += gens[g].SizeAfterBytes - gens[g].FragmentationAfterBytes;
        return live;
    }

    [Fact]
    public async Task Twenty_concurrent_uploads_finish_or_get_a_clean_busy_answer_and_memory_stays_bounded()
    {
        var tracker = new PeriodicTestBeatTracker(stepDelay: TimeSpan.FromMilliseconds(15));
        await using var s = await WebTestServer.StartAsync(o => o with { Workers = 2, QueueCapacity = 4 }, tracker);
        var queue = (Groove.Web.Jobs.AnalysisQueue)s.App.Services.GetService(typeof(Groove.Web.Jobs.AnalysisQueue))!;
        var bytes = File.ReadAllBytes(Clip);
        long before = LiveHeapBytes();
        long peakHeap = 0, peakWorkingSet = 0;
        int peakSlots = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                peakWorkingSet = Math.Max(peakWorkingSet, Environment.WorkingSet);
                peakSlots = Math.Max(peakSlots, queue.InUse);
                await Task.Delay(5);
            }
        });

        int busy = 0;
        async Task<string> UploadUntilAccepted(int n)
        {
            for (int attempt = 0; ; attempt++)
            {
                var (status, body) = await PostAsync(s, Form(bytes, $"song{n}.wav"));
                if (status == HttpStatusCode.Accepted) return body.GetProperty("id").GetString()!;
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                Assert.Contains("busy", body.GetProperty("error").GetString());
                Interlocked.Increment(ref busy);
                Assert.True(attempt < 400, "never accepted");
                await Task.Delay(50);
            }
        }
        var ids = await Task.WhenAll(Enumerable.Range(0, 20).Select(n => Task.Run(() => UploadUntilAccepted(n))));
        var finished = await Task.WhenAll(ids.Select(id => WaitFinishedAsync(s, id, TimeSpan.FromSeconds(120))));
        sampling.Cancel();
        await sampler;
        long after = LiveHeapBytes();

        Assert.All(finished, f => Assert.Equal("done", f.GetProperty("state").GetString()));
        Assert.Equal(20, ids.Distinct().Count());
        output.WriteLine($"busy answers: {busy}; most slots in use {peakSlots}; most analyses at once {tracker.MaxConcurrentCalls}; " +
            $"live heap before {before / 1e6:F1} MB, after {after / 1e6:F1} MB; peak GC heap (with garbage) {peakHeap / 1e6:F1} MB; " +
            $"peak working set {peakWorkingSet / 1e6:F1} MB");
        Assert.True(busy > 0, "the queue (2 workers + 4 waiting) never filled up: the bound was not exercised");
        // The bound that keeps memory flat: never more than workers + queue jobs admitted, never more than
        // `Workers` songs decoded at once (a decoded clip is 2.6 MB here; a long song is hundreds of MB).
        Assert.InRange(peakSlots, 1, 6);
        Assert.InRange(tracker.MaxConcurrentCalls, 1, 2);
        // Nothing of the 20 jobs stays in memory (their samples alone would be 53 MB).
        Assert.True(after - before < 8_000_000, $"live heap kept {(after - before) / 1e6:F1} MB after all jobs");
        Assert.True(peakHeap < 400_000_000, $"GC heap peaked at {peakHeap / 1e6:F1} MB");
    }

    /// <summary>A read-only stream that does not know its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }
}
