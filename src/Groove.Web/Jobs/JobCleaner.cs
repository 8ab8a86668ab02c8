using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Groove.Web.Jobs;

/// <summary>Deletes old jobs at start-up and then every <see cref="GrooveWebOptions.CleanupInterval"/>.</summary>
internal sealed class JobCleaner(JobStore store, GrooveWebOptions options, ILogger<JobCleaner> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int n = store.Clean(DateTimeOffset.UtcNow, options.MaxJobAge, options.MaxStoredBytes);
                if (n > 0) log.LogInformation("deleted {Count} old job(s)", n);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.LogWarning("cleaning old jobs failed: {Message}", e.Message);
            }
            try
            {
                await Task.Delay(options.CleanupInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
