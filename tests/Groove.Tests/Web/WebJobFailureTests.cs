using System.Net;
using System.Text.Json;
using Groove.Audio;
using Groove.Rhythm;

namespace Groove.Tests.Web;

public class WebJobFailureTests
{
    /// <summary>TEST CODE: a tracker that fails, or returns beats no real tracker should (NaN, negative, past the end).</summary>
    private sealed class MisbehavingTracker(Func<AudioBuffer, BeatTrackingResult> track) : IBeatTracker
    {
        public string Name => "misbehaving-test";
        public BeatTrackingResult Track(AudioBuffer audio, IProgress<double>? progress = null, Action<string>? onWarning = null,
            CancellationToken cancellationToken = default) => track(audio);
    }

    private static async Task<JsonElement> RunAsync(IBeatTracker tracker)
    {
        await using var s = await WebTestServer.StartAsync(tracker: tracker);
        var (status, body) = await WebApiTests.PostAsync(s, WebApiTests.Form(File.ReadAllBytes(WebApiTests.Clip), "song.wav"));
        Assert.Equal(HttpStatusCode.Accepted, status);
        var id = body.GetProperty("id").GetString()!;
        var done = await WebApiTests.WaitFinishedAsync(s, id);
        if (done.GetProperty("state").GetString() == "done")
            return JsonDocument.Parse(await s.Http.GetStringAsync($"/api/jobs/{id}/result")).RootElement.Clone();
        return done;
    }

    [Fact]
    public async Task A_crashing_tracker_fails_the_job_and_the_server_carries_on()
    {
        var done = await RunAsync(new MisbehavingTracker(_ => throw new InvalidOperationException("boom")));
        Assert.Equal("failed", done.GetProperty("state").GetString());
        Assert.Equal("Internal error while analysing the song (InvalidOperationException).", done.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_tracker_user_error_is_shown_as_is()
    {
        var done = await RunAsync(new MisbehavingTracker(_ => throw new GrooveException("the song is too short to find beats in")));
        Assert.Equal("the song is too short to find beats in", done.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Beats_that_cannot_be_shown_are_dropped_and_nan_tempo_is_zero()
    {
        var result = await RunAsync(new MisbehavingTracker(a => new BeatTrackingResult(
            [new Beat(double.NaN, 1), new Beat(-1, 2), new Beat(1.25, 1), new Beat(a.Duration + 5, 2)], double.NaN, [], 0)));
        var beats = result.GetProperty("beats");
        Assert.Equal(1, beats.GetArrayLength());
        Assert.Equal(1.25, beats[0].GetProperty("time").GetDouble());
        Assert.Equal(0, result.GetProperty("tempo").GetDouble());
    }
}
