using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Groove.Cli;
using Groove.Tests.Support;

namespace Groove.Tests.Web;

public class ServeCommandTests
{
    [Fact]
    public void Bad_options_fail_with_one_line_and_exit_code_1()
    {
        Assert.Equal(1, Program.Main(["serve", "--max-upload-mb", "-5"]));
        Assert.Equal(1, Program.Main(["serve", "--host", "not an address"]));
        Assert.Equal(1, Program.Main(["serve", "--port", "70000"]));
    }

    /// <summary>The real <c>groove serve</c> process with its default tracker and key estimator, on a free port.</summary>
    [Fact]
    public async Task Serve_runs_the_app_with_the_default_tracker_until_stopped()
    {
        using var data = new TempDir();
        var cli = Path.Combine(AppContext.BaseDirectory, "groove.dll");
        var psi = new ProcessStartInfo("dotnet", [cli, "serve", "--port", "0", "--data", data.Path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        try
        {
            string? url = null;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (url is null && DateTime.UtcNow < deadline && await process.StandardOutput.ReadLineAsync() is { } line)
                if (line.StartsWith("Groove is listening on ", StringComparison.Ordinal))
                    url = line["Groove is listening on ".Length..].Split(' ')[0];
            Assert.True(url is not null, "no 'listening' line; stderr: " + (process.HasExited ? await process.StandardError.ReadToEndAsync() : ""));
            Assert.StartsWith("http://127.0.0.1:", url);

            using var http = new HttpClient { BaseAddress = new Uri(url!), Timeout = TimeSpan.FromSeconds(120) };
            Assert.Contains("<canvas id=\"wave\"", await http.GetStringAsync("/"));
            var config = JsonDocument.Parse(await http.GetStringAsync("/api/config")).RootElement;
            Assert.Equal("classical", config.GetProperty("beatTracker").GetString());
            Assert.StartsWith("profile-", config.GetProperty("keyEstimator").GetString());

            // A real analysis with the default tracker: beats near the annotated tempo.
            var clip = SharedData.Path("data", "dev", "gtzan20", "audio", "gtzan_disco_00000.wav");
            var (status, body) = await PostAsync(http, clip);
            Assert.Equal(HttpStatusCode.Accepted, status);
            var id = body.GetProperty("id").GetString()!;
            JsonElement job;
            do
            {
                await Task.Delay(200);
                job = JsonDocument.Parse(await http.GetStringAsync($"/api/jobs/{id}")).RootElement;
            } while (job.GetProperty("state").GetString() is not ("done" or "failed"));
            Assert.Equal("done", job.GetProperty("state").GetString());
            var result = JsonDocument.Parse(await http.GetStringAsync($"/api/jobs/{id}/result")).RootElement;
            Assert.True(result.GetProperty("beats").GetArrayLength() > 20);
            Assert.NotNull(result.GetProperty("key").GetString());
            Assert.True(Directory.Exists(Path.Combine(data.Path, "jobs", id)));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<(HttpStatusCode, JsonElement)> PostAsync(HttpClient http, string path)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(path)), "file", Path.GetFileName(path) } };
        using var response = await http.PostAsync("/api/jobs", form);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
