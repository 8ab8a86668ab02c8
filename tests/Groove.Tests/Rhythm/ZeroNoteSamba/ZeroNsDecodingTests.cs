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

    [Fact]
    public void DecodingTheBranchesEqualsDecodingTheirBlendedMaximum()
    {
        var p = Pulse(1875, 25, 0.3f);
        var n = Pulse(1875, 50, 0.1f);
        var env = new float[1875];
        for (int t = 3; t < env.Length; t += 25) env[t] = 2f;
        var (beats, activation) = ZeroNsDecoding.Default.Decode(p, n, env, Fps);

        var expected = p.Zip(n, Math.Max).ToArray();
        ZeroNsDecoding.Default.Blend(expected, env);
        for (int i = 0; i < expected.Length; i++) expected[i] = Math.Clamp(expected[i], 0f, 1f - 1e-6f);
        Assert.Equal(expected, activation);
        Assert.Equal(new DbnBeatDecoder(Fps, ZeroNsDecoding.Default.DbnFor(expected, Fps)).Decode(expected), beats);
        Assert.Throws<ArgumentException>(() => ZeroNsDecoding.Default.Decode(p, n.AsSpan(1), env, Fps));
    }

    [Fact]
    public void ThePathLikelihoodMovesAHalfTempoEstimateToTheLevelEveryPeakIsOn()
    {
        var act = Pulse(1875, 25, 0.01f);                            // 150 BPM, nothing between the beats
        var slow = new ZeroNsDecoding { TempoWindow = 1.4, TempoEstimatePriorBpm = 70, TempoEstimatePriorOctaves = 0.3 };
        var (half, _) = slow.Decode(act, act, [], Fps);
        var (chosen, _) = (slow with { Octave = ZeroNsDecoding.OctaveChoice.PathLikelihood }).Decode(act, act, [], Fps);
        static double Bpm(double[] b) => 60 / b.Zip(b.Skip(1), (x, y) => y - x).Order().ElementAt(b.Length / 2);
        Assert.InRange(Bpm(half), 70, 80);                          // the prior pulls the estimate to 75 BPM
        Assert.InRange(Bpm(chosen), 145, 155);
    }

    [Fact]
    public void TheDecoderReportsThePathLogProbability()
    {
        var act = Pulse(1875, 25, 0.01f);
        var (beats, onBeat) = new DbnBeatDecoder(Fps, new DbnBeatOptions { MinBpm = 130, MaxBpm = 170 }).DecodeWithLogProbability(act);
        var (_, halfTempo) = new DbnBeatDecoder(Fps, new DbnBeatOptions { MinBpm = 60, MaxBpm = 90 }).DecodeWithLogProbability(act);
        Assert.Equal(new DbnBeatDecoder(Fps, new DbnBeatOptions { MinBpm = 130, MaxBpm = 170 }).Decode(act), beats);
        Assert.True(onBeat > halfTempo, $"{onBeat} vs {halfTempo}");
        Assert.True(double.IsNegativeInfinity(new DbnBeatDecoder(Fps).DecodeWithLogProbability(new float[100]).LogProbability));
    }
}
