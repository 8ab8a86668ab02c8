using Groove.Rhythm;
using Groove.Rhythm.ZeroNoteSamba;

namespace Groove.Tests.Rhythm.ZeroNoteSamba;

public class ZeroNsDecodingTests
{
    private const double Fps = ZeroNsFrontEnd.FrameRate;

    /// <summary>Impulses every <paramref name="period"/> frames, plus weaker ones halfway between.</summary>
    private static float[] Pulse(int frames, int period, float offbeat)
    {
        var a = new float[frames];
        for (int t = 0; t < frames; t++) a[t] = 0.01f;
        for (int t = 0; t < frames; t += period) a[t] = 0.9f;
        for (int t = period / 2; t < frames; t += period) a[t] = offbeat;
        return a;
    }

    [Fact]
    public void BlendMixesTheActivationWithTheScaledEnvelope()
    {
        var d = new ZeroNsDecoding { OnsetBlend = 0.5f };
        float[] act = [0.2f, 0.4f, 0.6f], env = [0f, 2f, 4f];
        d.Blend(act, env);
        Assert.Equal([0.1f, 0.45f, 0.8f], act, (x, y) => Math.Abs(x - y) < 1e-6f);

        float[] same = [0.2f, 0.4f];
        ZeroNsDecoding.Paper.Blend(same, [1f, 3f]);                  // weight 0: unchanged
        new ZeroNsDecoding { OnsetBlend = 0.5f }.Blend(same, [0f, 0f]); // silent envelope: unchanged
        Assert.Equal([0.2f, 0.4f], same);
        Assert.Throws<GrooveException>(() => new ZeroNsDecoding { OnsetBlend = 1.5f }.Blend(same, [1f, 1f]));
        Assert.Throws<ArgumentException>(() => d.Blend(same, [1f]));
    }

    [Fact]
    public void TheTempoWindowKeepsTheActivationsOwnLevelAndDropsHalfAndDoubleTempo()
    {
        var act = Pulse(1875, 25, 0.3f);                             // 150 BPM at 62.5 fps, 30 s
        var dbn = ZeroNsDecoding.Default.DbnFor(act, Fps);
        Assert.InRange(150.0, dbn.MinBpm, dbn.MaxBpm);
        Assert.True(dbn.MinBpm > 75 && dbn.MaxBpm < 215, $"{dbn.MinBpm}–{dbn.MaxBpm} BPM");
        var beats = new DbnBeatDecoder(Fps, dbn).Decode(act);
        double bpm = 60 / beats.Zip(beats.Skip(1), (a, b) => b - a).Order().ElementAt(beats.Length / 2);
        Assert.InRange(bpm, 145, 155);

        // The paper's decoding and a window of 0 leave madmom's range alone.
        Assert.Equal(new DbnBeatOptions(), ZeroNsDecoding.Paper.DbnFor(act, Fps));
        Assert.Equal((55.0, 215.0), (ZeroNsDecoding.Paper.DbnFor(act, Fps).MinBpm, ZeroNsDecoding.Paper.DbnFor(act, Fps).MaxBpm));
    }

    [Fact]
    public void SilenceKeepsTheFullRange()
    {
        var dbn = ZeroNsDecoding.Default.DbnFor(new float[1875], Fps);
        Assert.Equal((55.0, 215.0), (dbn.MinBpm, dbn.MaxBpm));
    }

    [Fact]
    public void TheNamedTrackersUseTheirDecodings()
    {
        Assert.Same(ZeroNsDecoding.Default, Assert.IsType<ZeroNsBeatTracker>(BeatTrackers.Create("zerons")).Decoding);
        Assert.Same(ZeroNsDecoding.Paper, Assert.IsType<ZeroNsBeatTracker>(BeatTrackers.Create("zerons-paper")).Decoding);
        Assert.Same(ZeroNsDecoding.Paper, Assert.IsType<ZeroNsBeatTracker>(BeatTrackers.Create("zerons-ft")).Decoding);
    }
}
