using Groove.Audio;
using Groove.Rhythm;
using Groove.Tests.Support;
using Groove.Tonality;

namespace Groove.Tests.Rhythm;

/// <summary>Silence, fragments and fade-outs: no beats and no key where there is nothing to hear, each with a reason.</summary>
public class NothingToTrackTests
{
    private static AudioBuffer Mono(float[] x, int rate = 22050) => new([x], rate);

    private static float[] Sine(int n, double freq = 440, int rate = 22050) =>
        Enumerable.Range(0, n).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * freq * i / rate))).ToArray();

    [Theory]
    [InlineData(0.02)]
    [InlineData(0.1)]
    [InlineData(0.9)]
    public void A_fragment_gets_no_beats_and_no_key_with_reasons(double seconds)
    {
        var audio = Mono(Signals.ClickTrack(120, seconds, offset: 0.0));
        var warnings = new List<string>();
        var beats = new ClassicalBeatTracker().Track(audio, onWarning: warnings.Add);
        Assert.Empty(beats.Beats);
        Assert.Contains(warnings, w => w.StartsWith("no beats:") && w.Contains("too short"));

        var key = new ProfileKeyEstimator().Estimate(Mono(Sine((int)(seconds * 22050))), warnings.Add);
        Assert.False(key.HasKey);
        Assert.Equal("no key", key.Label);
        Assert.Equal(0, key.Confidence);
        Assert.Contains("too short", key.NoKeyReason);
    }

    [Fact]
    public void One_second_of_silence_gets_no_key_with_confidence_0_and_no_beats()
    {
        var audio = Mono(new float[22050]);
        var warnings = new List<string>();
        var key = new ProfileKeyEstimator().Estimate(audio, warnings.Add);
        Assert.False(key.HasKey);
        Assert.Equal(0, key.Confidence);
        Assert.All(key.Scores, s => Assert.Equal(0f, s));
        Assert.Equal("the audio is silent", key.NoKeyReason);
        Assert.Empty(new ClassicalBeatTracker().Track(audio, onWarning: warnings.Add).Beats);
        Assert.Contains("no beats: the audio is silent", warnings);
    }

    [Fact]
    public void A_second_of_tone_still_gets_a_key()
    {
        var key = new ProfileKeyEstimator().Estimate(Mono(Sine(22050)));
        Assert.True(key.HasKey);
        Assert.True(key.Confidence > 0);
    }

    [Fact]
    public void The_examples_fade_out_gets_no_beats()
    {
        // Ground truth (examples/README.md): 41 beats, every 0.5 s from 0 to 20 s; then the final chord fades.
        var audio = AudioFile.Load(RepoPaths.Path("examples", "groove-example.wav"), new AudioLoadOptions { Mono = true, SampleRate = 22050 });
        var beats = new ClassicalBeatTracker().Track(audio).Beats;
        Assert.True(beats[^1].Time < 20.1, $"a beat at {beats[^1].Time:F2} s, after the music ends at 20 s");
        Assert.Equal(41, beats.Count);
        Assert.Equal(1, beats[^1].BeatInBar); // the final chord is a downbeat
    }

    [Fact]
    public void A_steady_tone_gets_no_beats_and_no_tempo_with_a_reason()
    {
        // Its only onset is where it starts; before, the tempo prior alone placed 31 beats at 93.5 BPM in 20 s.
        var warnings = new List<string>();
        var r = new ClassicalBeatTracker().Track(Mono(Signals.Sine(440, 22050, 20 * 22050, amp: 0.3)), onWarning: warnings.Add);
        Assert.Empty(r.Beats);
        Assert.Equal(0, r.Tempo);
        Assert.Equal(0, MirexTempo.From(r).Tempo1);
        Assert.Contains(warnings, w => w.Contains("steady", StringComparison.Ordinal));
        // A click track over the same tone still gets its beats.
        var clicks = Signals.ClickTrack(120, 20);
        var tone = Signals.Sine(440, 22050, clicks.Length, amp: 0.3);
        Assert.InRange(new ClassicalBeatTracker().Track(Mono(clicks.Select((v, i) => v + tone[i]).ToArray())).Beats.Count, 38, 41);
    }

    [Fact]
    public void Silence_after_a_click_track_gets_no_beats()
    {
        var clicks = Signals.ClickTrack(120, 10, offset: 0.5);
        var padded = new float[clicks.Length + 4 * 22050];
        clicks.CopyTo(padded, 4 * 22050 / 2);   // 2 s of silence before, 2 s after
        var beats = new ClassicalBeatTracker().Track(Mono(padded)).Beats;
        Assert.NotEmpty(beats);
        double firstClick = 2 + 0.5, lastClick = 2 + 9.5;
        Assert.True(beats[0].Time > firstClick - 0.15, $"a beat at {beats[0].Time:F2} s, before the first click at {firstClick} s");
        Assert.True(beats[^1].Time < lastClick + 0.15, $"a beat at {beats[^1].Time:F2} s, after the last click at {lastClick} s");
    }

    [Fact]
    public void Sounding_span_keeps_everything_when_the_music_plays_to_the_end()
    {
        double fps = 100;
        var activation = new float[1000];
        for (int t = 0; t < activation.Length; t++) activation[t] = t % 50 == 0 ? 0.9f : 0.01f;
        double[] times = Enumerable.Range(0, 20).Select(i => i * 0.5).ToArray();
        Assert.Equal(times, SoundingSpan.Trim(times, activation, fps));
        // With the onsets gone after 6 s, the beats after 6.1 s go.
        for (int t = 601; t < activation.Length; t++) activation[t] = 0.01f;
        Assert.Equal(times.Where(x => x <= 6.1).ToArray(), SoundingSpan.Trim(times, activation, fps));
    }
}
