using Groove.Cli.Infrastructure.Batch;

namespace Groove.Tests.Cli;

public class BatchProgressTests
{
    [Fact]
    public void Throughput_and_time_left_follow_the_tracks_finished_so_far()
    {
        var p = new BatchProgress(Finished: 120, ToDo: 600, Failed: 3, Elapsed: TimeSpan.FromSeconds(60));
        Assert.Equal(2.0, p.TracksPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(240), p.Remaining);
        Assert.Equal("120/600 tracks (20%), 3 failed, 2.00 tracks/s, 4m00s left", p.Line());
        Assert.Null(new BatchProgress(0, 600, 0, TimeSpan.FromSeconds(5)).Remaining);
        Assert.EndsWith("time left unknown", new BatchProgress(0, 600, 0, TimeSpan.FromSeconds(5)).Line());
        Assert.Equal("27h46m", BatchProgress.Duration(TimeSpan.FromSeconds(100_000)));
        Assert.Equal("41s", BatchProgress.Duration(TimeSpan.FromSeconds(41)));
    }
}
