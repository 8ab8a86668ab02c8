using Groove.Audio;
using Groove.Nn;
using Groove.Rhythm.ZeroNoteSamba;
using Groove.Training.ZeroNoteSamba;
using Groove.Tests.Support;

namespace Groove.Tests.Rhythm.ZeroNoteSamba;

public class ZeroNsTrainingTests
{
    private static string WriteMix(string dir, string name, double seconds, double period, ulong seed)
    {
        var parts = ZeroNsSynthetic.Parts(seconds, period, 0.1, new Rng(seed));
        var mix = new float[parts.Length];
        for (int i = 0; i < mix.Length; i++) mix[i] = 0.2f * (4 * parts.Percussive[i] + parts.NonPercussive[i]); // clicks loud enough for the drum rule
        var path = Path.Combine(dir, name);
        WavWriter.Write(path, AudioBuffer.FromMono(mix, ZeroNsFrontEnd.SampleRate));
        return path;
    }

    [Fact]
    public void CacheChoosesDrummedExcerptsOnceAndReadsThemBack()
    {
        using var tmp = new TempDir();
        var wav = WriteMix(tmp.Path, "a.wav", 4, 0.5, 1);
        var shortWav = WriteMix(tmp.Path, "short.wav", 1, 0.5, 2);
        var cache = new ZeroNsExcerptCache(tmp.File("cache"), excerptFrames: 100, excerptsPerFile: 3);
        Assert.False(cache.IsCached(wav));
        Assert.Equal(3, cache.Ensure(wav));
        Assert.True(cache.IsCached(wav));
        var stamp = File.GetLastWriteTimeUtc(cache.PathFor(wav));
        Assert.Equal(3, cache.Ensure(wav)); // from the cache: not rewritten
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(cache.PathFor(wav)));
        Assert.Equal(0, cache.Ensure(shortWav)); // too short: remembered as empty
        Assert.True(cache.IsCached(shortWav));

        var x = new float[cache.ExcerptSize];
        cache.Read(wav, 2, x);
        Assert.All(x, v => Assert.True(float.IsFinite(v) && v >= MathF.Log(ZeroNsFrontEnd.LogEpsilon) - 0.01f));
        // The percussive half has its energy in short bursts, the non-percussive half is steadier over time.
        Assert.True(x.Take(96 * 100).Max() > -10);
    }

    [Fact]
    public void DrumEnergyRuleAcceptsBalancedPartsOnly()
    {
        var rule = new DrumEnergyRule();
        var rng = new Rng(1);
        var a = new float[16000];
        rng.FillUniform(a, -1, 1);
        var quiet = a.Select(v => v * 0.01f).ToArray();
        Assert.Equal(1.0, rule.BalancedFraction(a, a));
        Assert.Equal(0.0, rule.BalancedFraction(quiet, a)); // drums 40 dB below the rest
        Assert.Equal(0.0, rule.BalancedFraction(a, quiet)); // drums alone
        Assert.True(rule.Passes(a, a, 0.3));
    }

    [Fact]
    public void ResumedTrainingContinuesBitForBit()
    {
        using var tmp = new TempDir();
        var cache = new ZeroNsExcerptCache(tmp.File("cache"), excerptFrames: 80, excerptsPerFile: 2);
        var data = new ZeroNsTrainingData(cache);
        var val = new ZeroNsTrainingData(cache);
        foreach (var (name, period) in new[] { ("a.wav", 0.5), ("b.wav", 0.6) })
        {
            var f = WriteMix(tmp.Path, name, 3, period, (ulong)name[0]);
            data.Add(f, cache.Ensure(f));
        }
        var v = WriteMix(tmp.Path, "v.wav", 3, 0.45, 9);
        val.Add(v, cache.Ensure(v));
        var options = new ZeroNsTrainingOptions
        {
            Steps = 4, Windows = 4, WindowFrames = 40, ExcerptFrames = 80, CheckpointEvery = 2, ValidateEvery = 2,
            ValidationBatches = 2, WarmupSteps = 1, Model = SyncPredNetConfig.Small,
        };

        var straight = new ZeroNsTrainer(options, tmp.File("straight"));
        Assert.True(straight.Train(data, val, null, null, default));

        var first = new ZeroNsTrainer(options with { Steps = 2 }, tmp.File("resumed"));
        Assert.True(first.Train(data, val, null, null, default));
        var second = new ZeroNsTrainer(options, tmp.File("resumed"));
        Assert.NotNull(second.Loop.TryResume());
        Assert.Equal(2, second.Loop.Step);
        Assert.True(second.Train(data, val, null, null, default));

        foreach (var ((name, a), (_, b)) in straight.Net.NamedParameters().Zip(second.Net.NamedParameters()))
            Assert.True(a.ToArray().AsSpan().SequenceEqual(b.ToArray()), $"{name} differs after resuming");
        Assert.True(File.Exists(straight.BestPath));
        Assert.Equal(File.ReadAllText(tmp.File("straight/validation.tsv")), File.ReadAllText(tmp.File("resumed/validation.tsv")));
    }
}
