using Groove.Audio;

namespace Groove.Tests.Audio;

public class AudioBufferTests
{
    [Fact]
    public void SelectChannelsReordersAndMonoAverages()
    {
        var a = new AudioBuffer([[1f, 2f], [3f, 4f], [5f, 9f]], 8000);
        var s = a.SelectChannels(2, 0);
        Assert.Equal(2, s.ChannelCount);
        Assert.Same(a.Channels[2], s.Channels[0]);
        Assert.Equal([3f, 5.5f], s.Mono());
        Assert.Throws<ArgumentOutOfRangeException>(() => a.SelectChannels(3));
    }
}
