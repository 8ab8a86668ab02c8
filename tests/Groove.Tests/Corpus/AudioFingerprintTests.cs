using Groove.Corpus;

namespace Groove.Tests.Corpus;

public sealed class AudioFingerprintTests
{
    [Fact]
    public void The_same_music_quieter_shifted_and_noisier_is_similar_and_other_music_is_not()
    {
        var a = TestDebs.Music(1, 120);
        var rng = new Random(3);
        var altered = new float[a.Length - 4000];
        for (int i = 0; i < altered.Length; i++)
            altered[i] = 0.5f * a[i + 500] + 0.002f * (float)(rng.NextDouble() * 2 - 1); // starts 31 ms later (an encoder delay)
        var fa = AudioFingerprint.Compute(a, TestDebs.Rate);
        var fAltered = AudioFingerprint.Compute(altered, TestDebs.Rate);
        // 40 s: 1 + (640000 − 1024) / 512 = 1248 STFT frames of 1024 samples, pooled 16 at a time (0.512 s).
        Assert.Equal(78, fa.Frames);
        Assert.Equal(AudioFingerprint.Bands * 78, fa.Levels.Length);

        Assert.Equal(1.0, fa.Similarity(fa), 1e-12);
        Assert.True(fa.Similarity(fAltered) >= 0.95, $"altered copy: {fa.Similarity(fAltered):F3}");
        Assert.Equal(fa.Similarity(fAltered), fAltered.Similarity(fa), 1e-12);
        foreach (var (seed, bpm) in new[] { (2, 93.0), (3, 140.0), (4, 120.0) })
        {
            var other = AudioFingerprint.Compute(TestDebs.Music(seed, bpm), TestDebs.Rate);
            Assert.True(fa.Similarity(other) < 0.8, $"music {seed}: {fa.Similarity(other):F3}");
        }
    }

    [Fact]
    public void Short_or_very_different_lengths_are_never_similar()
    {
        var a = TestDebs.Music(1, 120, seconds: 25);
        var shortA = a.AsSpan(0, 20 * TestDebs.Rate).ToArray(); // 38 frames: under the 60 needed
        var shortB = TestDebs.Music(1, 120, seconds: 25);       // the same 25 s (48 frames): too short to compare
        var longA = TestDebs.Music(1, 120, seconds: 40);
        var longer = TestDebs.Music(1, 120, seconds: 46);       // the same start, 6 s (13%) longer
        var f = AudioFingerprint.Compute(a, TestDebs.Rate);
        Assert.Equal(0, f.Similarity(AudioFingerprint.Compute(shortA, TestDebs.Rate)));
        Assert.Equal(0, f.Similarity(AudioFingerprint.Compute(shortB, TestDebs.Rate)));
        var g = AudioFingerprint.Compute(longA, TestDebs.Rate);
        Assert.Equal(1.0, g.Similarity(g), 1e-12);
        Assert.Equal(0, g.Similarity(AudioFingerprint.Compute(longer, TestDebs.Rate)));
        Assert.Equal(0, AudioFingerprint.Compute(new float[100], TestDebs.Rate).Frames);
    }

    [Fact]
    public void Stored_levels_round_trip()
    {
        var f = AudioFingerprint.Compute(TestDebs.Music(5, 100), TestDebs.Rate);
        var g = new AudioFingerprint(f.Levels.ToArray());
        Assert.Equal(1.0, f.Similarity(g), 1e-12);
        Assert.Throws<ArgumentException>(() => new AudioFingerprint(new byte[AudioFingerprint.Bands + 1]));
    }
}
