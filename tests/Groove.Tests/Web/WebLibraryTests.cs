using System.Net;
using System.Text.Json;
using Groove.Audio;
using Groove.Embeddings;
using Groove.Index;
using Groove.Tests.Support;
using Microsoft.Playwright;

namespace Groove.Tests.Web;

/// <summary>
/// groove serve --index LIB: the library's similarity search over HTTP (an indexed track, an uploaded song) and in
/// the page, on an SQLite index of tones and noises embedded with the MFCC model (no weights needed).
/// </summary>
public class WebLibraryTests
{
    /// <summary>Three tones and three noises (6 s, 16 kHz) in <paramref name="dir"/>/music, embedded into <paramref name="dir"/>/lib.db.</summary>
    internal static string MakeIndexedLibrary(TempDir dir)
    {
        var music = Directory.CreateDirectory(dir.File("music")).FullName;
        var rng = new Rng(5);
        var embedder = TrackEmbedder.Create("mfcc");
        var db = dir.File("lib.db");
        using var index = SqliteTrackIndex.Open(db);
        for (int i = 0; i < 3; i++)
        {
            var noise = new float[16000 * 6];
            rng.FillNormal(noise, 0, 0.2f);
            foreach (var (name, signal) in new[] { ($"tone{i}.wav", Signals.Sine(440 + 5 * i, 16000, 16000 * 6)), ($"noise{i}.wav", noise) })
            {
                var path = Path.Combine(music, name);
                WavWriter.Write(path, AudioBuffer.FromMono(signal, 16000));
                var e = embedder.EmbedFile(path);
                index.PutEmbedding(path, ContentHash.Of(path), e.DurationSeconds, embedder.ModelName, e.Vector, e.Tiles);
            }
        }
        return db;
    }

    /// <summary>A fresh noise clip to upload (not in the library).</summary>
    private static byte[] NoiseUpload(TempDir dir)
    {
        var noise = new float[16000 * 6];
        new Rng(99).FillNormal(noise, 0, 0.2f);
        var path = dir.File("upload.wav");
        WavWriter.Write(path, AudioBuffer.FromMono(noise, 16000));
        return File.ReadAllBytes(path);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(WebTestServer s, string url)
    {
        using var response = await s.Http.GetAsync(url);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static List<string> Names(JsonElement answer) =>
        answer.GetProperty("results").EnumerateArray().Select(h => h.GetProperty("name").GetString()!).ToList();

    [Fact]
    public async Task Similar_tracks_of_an_indexed_track_and_of_an_upload()
    {
        using var dir = new TempDir();
        var db = MakeIndexedLibrary(dir);
        await using var s = await WebTestServer.StartAsync(o => o with { LibraryIndex = db });

        var (status, config) = await GetAsync(s, "/api/config");
        Assert.True(config.GetProperty("library").GetBoolean());
        (status, var summary) = await GetAsync(s, "/api/library");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(6, summary.GetProperty("tracks").GetInt32());
        Assert.Equal("mfcc-stats20", summary.GetProperty("model").GetString());

        // An indexed track, by file name: itself excluded, white noise nearest white noise — the same as groove similar.
        (status, var answer) = await GetAsync(s, "/api/library/similar?track=noise0&k=2");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["noise1.wav", "noise2.wav"], Names(answer).Order());
        var cosines = answer.GetProperty("results").EnumerateArray().Select(h => h.GetProperty("cosine").GetSingle()).ToList();
        Assert.True(cosines[0] >= cosines[1]);
        using (var index = SqliteTrackIndex.Open(db))
        {
            var search = index.LoadSearch();
            var expected = search.TopK(index.Get(dir.File("music/noise0.wav"))!.Vector!, 2, Path.GetFullPath(dir.File("music/noise0.wav")));
            Assert.Equal(expected.Select(h => h.Id), answer.GetProperty("results").EnumerateArray().Select(h => h.GetProperty("path").GetString()));
        }

        // An upload, embedded with the index's model once its analysis is done.
        var (posted, job) = await WebApiTests.PostAsync(s, WebApiTests.Form(NoiseUpload(dir), "mystery.wav"));
        Assert.Equal(HttpStatusCode.Accepted, posted);
        var id = job.GetProperty("id").GetString()!;
        await WebApiTests.WaitFinishedAsync(s, id);
        (status, answer) = await GetAsync(s, $"/api/jobs/{id}/similar?k=3");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("mystery.wav", answer.GetProperty("query").GetString());
        Assert.Equal(["noise0.wav", "noise1.wav", "noise2.wav"], Names(answer).Order());
    }

    [Fact]
    public async Task Bad_requests_and_a_server_without_a_library_answer_json_errors()
    {
        using var dir = new TempDir();
        var db = MakeIndexedLibrary(dir);
        await using (var s = await WebTestServer.StartAsync(o => o with { LibraryIndex = db }))
        {
            foreach (var (url, expected) in new[]
            {
                ("/api/library/similar?track=noise0&k=0", HttpStatusCode.BadRequest),
                ("/api/library/similar?track=noise0&k=1000", HttpStatusCode.BadRequest),
                ("/api/library/similar?track=noise0&k=two", HttpStatusCode.BadRequest),
                ("/api/library/similar", HttpStatusCode.BadRequest),
                ("/api/library/similar?track=nothing-like-it", HttpStatusCode.NotFound),
                ("/api/jobs/0123456789abcdef0123456789abcdef/similar", HttpStatusCode.NotFound),
            })
            {
                var (status, body) = await GetAsync(s, url);
                Assert.Equal(expected, status);
                Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
            }
        }
        await using var plain = await WebTestServer.StartAsync();
        var (_, config) = await GetAsync(plain, "/api/config");
        Assert.False(config.GetProperty("library").GetBoolean());
        var (noLibrary, error) = await GetAsync(plain, "/api/library/similar?track=noise0");
        Assert.Equal(HttpStatusCode.NotFound, noLibrary);
        Assert.Contains("--index", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_search_sees_tracks_another_process_adds_while_the_server_runs()
    {
        using var dir = new TempDir();
        var db = MakeIndexedLibrary(dir);
        await using var s = await WebTestServer.StartAsync(o => o with { LibraryIndex = db });
        Assert.Equal(6, (await GetAsync(s, "/api/library")).Body.GetProperty("tracks").GetInt32());
        using (var index = SqliteTrackIndex.Open(db))
        {
            var noise0 = index.Get(dir.File("music/noise0.wav"))!;
            index.PutEmbedding(dir.File("music/copy-of-noise0.wav"), "copy", 6, noise0.Model!, noise0.Vector!, []);
        }
        var (_, answer) = await GetAsync(s, "/api/library/similar?track=noise0&k=1");
        Assert.Equal(["copy-of-noise0.wav"], Names(answer));
    }

    [SkippableFact]
    public async Task The_page_lists_the_most_similar_library_songs_under_the_result()
    {
        WebBrowserTests.RequireChromium();
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var dir = new TempDir();
        var db = MakeIndexedLibrary(dir);
        var upload = dir.File("mystery.wav");
        File.WriteAllBytes(upload, NoiseUpload(dir));
        await using var server = await WebTestServer.StartAsync(o => o with { LibraryIndex = db });
        using var profile = new TempDir();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await WebBrowserTests.LaunchAsync(playwright, profile.Path);
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(server.BaseUri.ToString());
        await page.SetInputFilesAsync("#file", upload);
        await page.WaitForSelectorAsync("#similar:not([hidden])");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#similar-list li').length === 5");
        var names = await page.Locator("#similar-list li .name").AllTextContentsAsync();
        Assert.Equal(["noise0.wav", "noise1.wav", "noise2.wav"], names.Take(3).Order());
        Assert.Contains("mfcc-stats20", await page.TextContentAsync("#similar-status"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebBrowserTests.ArtifactDirectory, "web-library-similar.png"), FullPage = true });
        Assert.Empty(errors);
    }
}
