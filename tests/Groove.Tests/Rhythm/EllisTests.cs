using Groove.Dsp;
using Groove.Rhythm;
using Groove.Tests.Support;
using Groove.IO;

namespace Groove.Tests.Rhythm;

/// <summary>Ellis' reference outputs for test2_8000.wav: 8 kHz, 32-sample hop → 250 frames per second.</summary>
public class EllisTests
{
    private const double Fps = 8000.0 / 32;

    private static float[] Load(string name) => NpyFile.Read(SharedData.Path("conformance", "ellis", name)).ToFloat();

    [Fact]
    public void TempoMatchesEllisReference()
    {
        var expected = Load("beat-tempo-000.t.npy");
        var t = EllisTempo.Estimate(Load("beat-tempo-000.onsetenv.npy"), Fps, meanBpm: 110, spreadOctaves: 0.9);
        Assert.Equal(expected[0], t.Slow, 3);
        Assert.Equal(expected[1], t.Fast, 3);
        Assert.Equal(expected[2], t.SlowStrength, 4);
    }

    [Fact]
    public void DynamicProgrammingBeatsMatchEllisReferenceWithinOneFrame()
    {
        var expected = Load("beat-beat-000.beats.npy");
        // Ellis' own code uses tightness 400 (librosa defaults to 100).
        var beats = EllisBeatDecoder.Decode(Load("beat-beat-000.onsetenv.npy"), Fps,
            new EllisBeatOptions { Tightness = 400, StartBpm = 110, StartBpmSpreadOctaves = 0.9 });
        Assert.Equal(expected.Length, beats.Length);
        // The reference counts frames from 1 (Matlab), so every beat is exactly one frame later there.
        for (int i = 0; i < beats.Length; i++)
            Assert.True(Math.Abs(beats[i] - expected[i]) <= 1 / Fps + 1e-6, $"beat {i}: {beats[i]:F3} vs {expected[i]:F3}");
    }

    [Fact]
    public void DynamicProgrammingFindsAClickTrack()
    {
        // A click every 0.5 s (120 BPM) at 100 fps with some noise: beats land on the clicks.
        var env = new float[3000];
        var rng = new Random(1);
        for (int i = 0; i < env.Length; i++) env[i] = (float)(0.1 * rng.NextDouble());
        for (int i = 25; i < env.Length; i += 50) env[i] += 1;
        var beats = EllisBeatDecoder.Decode(env, 100);
        Assert.InRange(beats.Length, 55, 60);
        foreach (var b in beats) Assert.True(Math.Abs((b * 100 - 25) % 50) < 1.01 || Math.Abs((b * 100 - 25) % 50 - 50) < 1.01, $"beat at {b}");
        Assert.Empty(EllisBeatDecoder.Decode(new float[500], 100));
    }
}
