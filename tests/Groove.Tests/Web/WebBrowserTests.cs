using Groove.Audio;
using Groove.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Groove.Tests.Web;

/// <summary>
/// End to end in a real browser: Debian's chromium (scripts/install-deps.sh installs it), driven by Playwright's
/// bundled driver. No browser is downloaded.
/// </summary>
public class WebBrowserTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly string Clip = SharedData.Path("data", "dev", "gtzan20", "audio", "gtzan_disco_00000.wav");

    /// <summary>Screenshots land here (the test output folder), for people to look at.</summary>
    internal static string ArtifactDirectory => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "test-artifacts")).FullName;

    /// <summary>Skips (with the reason) where Debian's chromium is not installed; the rest of the suite runs without it.</summary>
    internal static void RequireChromium() =>
        Skip.IfNot(File.Exists(Chromium), $"{Chromium} is not installed (scripts/install-deps.sh installs it): browser test skipped");

    /// <summary>Debian's chromium, headless, with a fresh profile in <paramref name="profile"/>.</summary>
    internal static Task<IBrowserContext> LaunchAsync(IPlaywright playwright, string profile) =>
        playwright.Chromium.LaunchPersistentContextAsync(profile, new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
            ViewportSize = new() { Width = 1280, Height = 960 },
            AcceptDownloads = true,
            Timeout = 30_000,
        });

    [SkippableFact]
    public async Task The_real_tracker_on_the_bundled_example_shows_its_tempo_key_and_beats()
    {
        RequireChromium();
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var example = RepoPaths.Path("examples", "groove-example.wav");
        await using var server = await WebTestServer.StartAsync(o => o with { MaxDuration = TimeSpan.FromSeconds(25) },
            tracker: new Groove.Rhythm.ClassicalBeatTracker(), keyEstimator: new Groove.Tonality.ProfileKeyEstimator());
        using var profile = new TempDir();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright, profile.Path);
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);

        await page.GotoAsync(server.BaseUri.ToString());
        await page.SetInputFilesAsync("#file", example);
        await page.WaitForSelectorAsync("#result:not([hidden])");
        await page.WaitForFunctionAsync("() => Number(document.getElementById('wave').dataset.beatMarkers) > 0");

        // examples/README.md: 120 BPM, G major, 41 beats (0 to 20 s; none in the fade-out), 11 downbeats.
        double tempo = double.Parse((await page.TextContentAsync("#tempo"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(tempo, 118, 122);
        Assert.Equal("G major", await page.TextContentAsync("#key"));
        Assert.Equal("41", await page.TextContentAsync("#beat-count"));
        Assert.Equal("41", await page.GetAttributeAsync("#wave", "data-beat-markers"));
        Assert.Equal("11", await page.GetAttributeAsync("#wave", "data-downbeat-markers"));
        Assert.Equal("0:22", await page.TextContentAsync("#duration"));
        Assert.Equal("groove-example.wav", await page.TextContentAsync("#song-name"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactDirectory, "web-example-real-tracker.png"), FullPage = true });

        // A 30 s song on a server that takes 25 s is refused in the page, before anything is sent.
        int posts = 0;
        page.Request += (_, r) => { if (r.Method == "POST") posts++; };
        await page.ClickAsync("#new-song");
        await page.SetInputFilesAsync("#file", Clip);
        await page.WaitForSelectorAsync("#upload-error:not([hidden])");
        Assert.Equal("gtzan_disco_00000.wav: the song is 0:30 long; this server analyses songs up to 0:25.", await page.TextContentAsync("#upload-error"));
        Assert.Equal(0, posts);
        Assert.Empty(errors);
    }

    [SkippableFact]
    public async Task Upload_shows_beats_and_tempo_plays_and_downloads_the_clicked_wav()
    {
        RequireChromium();
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        // A test tracker with known beats (exact counts to check, and fast: the real trackers are exercised over HTTP by
        // ServeCommandTests) and the product's key estimator.
        await using var server = await WebTestServer.StartAsync(tracker: new PeriodicTestBeatTracker(bpm: 123, stepDelay: TimeSpan.FromMilliseconds(100)),
            keyEstimator: new Groove.Tonality.ProfileKeyEstimator());
        using var profile = new TempDir();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright, profile.Path);
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        page.SetDefaultTimeout(60_000); // generous: CI machines are shared
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        page.PageError += (_, e) => errors.Add(e);

        await page.GotoAsync(server.BaseUri.ToString());
        // The page asks the server for its upload limit.
        await page.WaitForFunctionAsync("() => document.getElementById('limits').textContent.includes('up to 100 MB')");
        await page.SetInputFilesAsync("#file", Clip);

        // Progress shows while the job runs (the test tracker takes 1 s, then the key is estimated).
        await page.WaitForFunctionAsync("() => !document.getElementById('progress').hidden || !document.getElementById('result').hidden");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactDirectory, "web-progress.png") });

        // The result appears once the job is done; the canvas reports how many markers it drew.
        await page.WaitForSelectorAsync("#result:not([hidden])");
        await page.WaitForFunctionAsync("() => Number(document.getElementById('wave').dataset.beatMarkers) > 0");
        var song = AudioFile.Load(Clip);
        int expectedBeats = (int)Math.Ceiling((song.Duration - 0.5) / (60 / 123.0));
        int expectedDownbeats = (expectedBeats + 3) / 4;
        const double tempo = 123;
        Assert.Equal(expectedBeats.ToString(), await page.GetAttributeAsync("#wave", "data-beat-markers"));
        Assert.Equal(expectedDownbeats.ToString(), await page.GetAttributeAsync("#wave", "data-downbeat-markers"));
        Assert.Equal(tempo.ToString("F1", System.Globalization.CultureInfo.InvariantCulture), await page.TextContentAsync("#tempo"));
        Assert.Equal(expectedBeats.ToString(), await page.TextContentAsync("#beat-count"));
        Assert.Equal("0:30", await page.TextContentAsync("#duration"));
        Assert.Matches("^[A-G][#b]? (major|minor)$", await page.TextContentAsync("#key"));
        Assert.Equal("gtzan_disco_00000.wav", await page.TextContentAsync("#song-name"));

        // The audio decodes in the browser and playback with clicks starts and moves the clock.
        await page.WaitForSelectorAsync("#play:not([disabled])");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactDirectory, "web-result.png"), FullPage = true });
        await page.ClickAsync("#play");
        await page.WaitForFunctionAsync("() => !document.getElementById('clock').textContent.startsWith('0:00.0')");
        Assert.Contains("Pause", await page.TextContentAsync("#play"));
        await page.ClickAsync("#play");

        // Zooming in shows fewer markers; Fit shows them all again.
        await page.ClickAsync("#zoom-in");
        await page.ClickAsync("#zoom-in");
        await page.ClickAsync("#zoom-in");
        int zoomed = int.Parse((await page.GetAttributeAsync("#wave", "data-beat-markers"))!);
        Assert.InRange(zoomed, 1, expectedBeats / 4);
        await page.Mouse.WheelAsync(0, 400); // wheel over the page is not over the canvas: nothing changes
        await page.HoverAsync("#wave");
        await page.Mouse.WheelAsync(0, -300);
        Assert.True(int.Parse((await page.GetAttributeAsync("#wave", "data-beat-markers"))!) < zoomed, "wheel did not zoom in");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactDirectory, "web-result-zoomed.png"), FullPage = true });
        await page.ClickAsync("#zoom-fit");
        Assert.Equal(expectedBeats.ToString(), await page.GetAttributeAsync("#wave", "data-beat-markers"));

        // The clicked WAV download decodes and lasts as long as the upload.
        await page.FillAsync("#click-volume", "-12");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#dl-wav"));
        Assert.Equal("gtzan_disco_00000 (clicks).wav", download.SuggestedFilename);
        using var dir = new TempDir();
        var saved = dir.File("clicked.wav");
        await download.SaveAsAsync(saved);
        var clicked = AudioFile.Load(saved);
        Assert.Equal(song.SampleRate, clicked.SampleRate);
        Assert.Equal(song.Duration, clicked.Duration, 3);
        var beatsDownload = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#dl-beats"));
        Assert.Equal("gtzan_disco_00000.beats", beatsDownload.SuggestedFilename);

        // A phone-sized window: the layout reflows and the canvas redraws at its new size.
        await page.SetViewportSizeAsync(414, 896);
        await page.WaitForFunctionAsync("() => document.getElementById('wave').width <= 414 * devicePixelRatio");
        Assert.Equal(expectedBeats.ToString(), await page.GetAttributeAsync("#wave", "data-beat-markers"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactDirectory, "web-result-narrow.png"), FullPage = true });
        await page.SetViewportSizeAsync(1280, 960);

        // Dropping a file that is not audio shows the server's message on the upload card.
        await page.ClickAsync("#new-song");
        await page.EvaluateAsync(@"() => {
            const dt = new DataTransfer();
            dt.items.add(new File(['just some text'], 'notes.mp3', { type: 'audio/mpeg' }));
            document.getElementById('upload').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        }");
        await page.WaitForSelectorAsync("#upload-error:not([hidden])");
        Assert.Equal("notes.mp3: not an audio file (expected WAV, MP3, FLAC, Ogg, M4A, AAC or AIFF).", await page.TextContentAsync("#upload-error"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(ArtifactDirectory, "web-upload-error.png") });

        output.WriteLine($"screenshots in {ArtifactDirectory}");
        // The failed upload logs a 415 in the console; anything else is a bug in the page.
        Assert.DoesNotContain(errors, e => !e.Contains("415"));
    }
}
