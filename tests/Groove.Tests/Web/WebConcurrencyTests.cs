using System.Net;
using Xunit.Abstractions;

namespace Groove.Tests.Web;

/// <summary>Runs alone (after the parallel tests), so that heap measurements see only this test's allocations.</summary>
[CollectionDefinition(nameof(WebConcurrencyTests), DisableParallelization = true)]
public sealed class WebConcurrencyCollection;

[Collection(nameof(WebConcurrencyTests))]
public class WebConcurrencyTests(ITestOutputHelper output)
{
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
        var bytes = File.ReadAllBytes(WebApiTests.Clip);
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
                var (status, body) = await WebApiTests.PostAsync(s, WebApiTests.Form(bytes, $"song{n}.wav"));
                if (status == HttpStatusCode.Accepted) return body.GetProperty("id").GetString()!;
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                Assert.Contains("busy", body.GetProperty("error").GetString());
                Interlocked.Increment(ref busy);
                Assert.True(attempt < 400, "never accepted");
                await Task.Delay(50);
            }
        }
        var ids = await Task.WhenAll(Enumerable.Range(0, 20).Select(n => Task.Run(() => UploadUntilAccepted(n))));
        var finished = await Task.WhenAll(ids.Select(id => WebApiTests.WaitFinishedAsync(s, id, TimeSpan.FromSeconds(120))));
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
        Assert.True(after - before < 16_000_000, $"live heap kept {(after - before) / 1e6:F1} MB after all jobs");
        Assert.True(peakHeap < 400_000_000, $"GC heap peaked at {peakHeap / 1e6:F1} MB");
    }
}
