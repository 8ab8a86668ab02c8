using Groove.Audio;
using Groove.Rhythm;

using Groove.Tests.Support;

namespace Groove.Tests.Audio;

public class ClickTrackRendererTests
{
    private static AudioBuffer Silence(int channels, int rate, double seconds)
    {
        var ch = new float[channels][];
        for (int c = 0; c < channels; c++) ch[c] = new float[(int)(rate * seconds)];
        return new AudioBuffer(ch, rate);
    }

    private static AudioBuffer Sine(int channels, int rate, double seconds, double freq, float amplitude)
    {
        var ch = new float[channels][];
        for (int c = 0; c < channels; c++) ch[c] = Signals.Sine(freq, rate, (int)(rate * seconds), amplitude, phase: c);
        return new AudioBuffer(ch, rate);
    }

    private static float PeakIn(float[] x, int from, int to)
    {
        float m = 0;
        for (int i = Math.Max(0, from); i < Math.Min(x.Length, to); i++) m = Math.Max(m, Math.Abs(x[i]));
        return m;
    }

    /// <summary>Dominant frequency by counting zero crossings in [from, to).</summary>
    private static double ZeroCrossingFrequency(float[] x, int from, int to, int rate)
    {
        int crossings = 0;
        for (int i = from + 1; i < to; i++)
            if ((x[i - 1] < 0) != (x[i] < 0)) crossings++;
        return crossings / 2.0 / ((to - from) / (double)rate);
    }

    [Fact]
    public void Keeps_rate_channels_and_length()
    {
        var song = Sine(2, 44100, 1.5, 220, 0.3f);
        var clicked = ClickTrackRenderer.Render(song, [new Beat(0.5, 1), new Beat(1.0, 2)]);
        Assert.Equal(44100, clicked.SampleRate);
        Assert.Equal(2, clicked.ChannelCount);
        Assert.Equal(song.Length, clicked.Length);
        Assert.NotSame(song.Channels[0], clicked.Channels[0]);
    }

    [Fact]
    public void Clicks_sound_at_the_beats_and_nowhere_else()
    {
        const int rate = 22050;
        var song = Silence(1, rate, 3);
        double[] times = [0.25, 1.0, 2.2];
        var clicked = ClickTrackRenderer.Render(song, times.Select(t => new Beat(t, 0)).ToList()).Channels[0];
        int clickLength = ClickTrackRenderer.Synthesize(rate, 1500, 0.008, 1).Length;
        var starts = times.Select(t => (int)Math.Round(t * rate)).ToArray();
        foreach (var s in starts)
        {
            Assert.Equal(0f, clicked[s - 1]);
            Assert.True(PeakIn(clicked, s, s + clickLength) > 0.45f, $"no click at sample {s}");
        }
        for (int i = 0; i < clicked.Length; i++)
            if (!starts.Any(s => i >= s && i < s + clickLength))
                Assert.Equal(0f, clicked[i]);
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(-20)]
    [InlineData(0)]
    public void Gain_sets_the_click_peak_in_dbfs(double gainDb)
    {
        var clicked = ClickTrackRenderer.Render(Silence(1, 44100, 1), [new Beat(0.5, 0)], new ClickTrackOptions { GainDb = gainDb });
        float expected = (float)Math.Pow(10, gainDb / 20);
        // 0 dBFS is above the limiter's ceiling, so the limiter holds it there.
        Assert.Equal(Math.Min(expected, ClickTrackRenderer.Ceiling), clicked.Channels[0].Max(Math.Abs), 3);
    }

    [Fact]
    public void Accented_downbeats_are_louder_and_higher()
    {
        const int rate = 44100;
        var beats = new[] { new Beat(0.5, 1), new Beat(1.0, 2) };
        var options = new ClickTrackOptions { AccentDownbeats = true, GainDb = -12, AccentGainDb = 6 };
        var x = ClickTrackRenderer.Render(Silence(1, rate, 1.5), beats, options).Channels[0];
        int a = rate / 2, b = rate, len = rate / 50;
        float accentPeak = PeakIn(x, a, a + len), plainPeak = PeakIn(x, b, b + len);
        Assert.Equal(2.0, accentPeak / plainPeak, 2);
        Assert.InRange(ZeroCrossingFrequency(x, a, a + len, rate), 2300, 2700);
        Assert.InRange(ZeroCrossingFrequency(x, b, b + len, rate), 1350, 1650);

        // Without the accent option, a downbeat sounds like any other beat.
        var flat = ClickTrackRenderer.Render(Silence(1, rate, 1.5), beats, options with { AccentDownbeats = false }).Channels[0];
        Assert.Equal(PeakIn(flat, a, a + len), PeakIn(flat, b, b + len), 4);
    }

    [Fact]
    public void Quiet_mix_is_song_plus_clicks_exactly()
    {
        var song = Sine(2, 22050, 2, 330, 0.2f);
        var beats = new[] { new Beat(0.5, 0), new Beat(1.5, 0) };
        var options = new ClickTrackOptions { GainDb = -12 };
        var clicks = ClickTrackRenderer.RenderClicks(song.Length, song.SampleRate, beats, options);
        var clicked = ClickTrackRenderer.Render(song, beats, options);
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < song.Length; i++)
                Assert.Equal(song.Channels[c][i] + clicks[i], clicked.Channels[c][i]);
    }

    [Fact]
    public void Loud_mix_is_limited_below_the_ceiling_without_changing_quiet_parts()
    {
        const int rate = 44100;
        // A full-scale sine for the first second, a quiet one after: clicks on the loud part would clip.
        var x = new float[rate * 3];
        for (int i = 0; i < x.Length; i++)
            x[i] = (i < rate ? 0.99f : 0.1f) * (float)Math.Sin(2 * Math.PI * 200 * i / rate);
        var song = new AudioBuffer([x, (float[])x.Clone()], rate);
        var beats = new[] { new Beat(0.3, 1), new Beat(0.6, 0), new Beat(2.5, 0) };
        var clicked = ClickTrackRenderer.Render(song, beats, new ClickTrackOptions { GainDb = 0, AccentDownbeats = true });
        foreach (var ch in clicked.Channels)
            Assert.True(ch.Max(Math.Abs) <= ClickTrackRenderer.Ceiling, $"peak {ch.Max(Math.Abs)} above the ceiling");
        // The limiter recovers within ~0.3 s (50 ms release): well after the loud part, the song passes untouched.
        int from = (int)(1.6 * rate), to = (int)(2.4 * rate);
        for (int i = from; i < to; i++) Assert.Equal(x[i], clicked.Channels[0][i], 1e-6);
        // The gain dips smoothly: no sample-to-sample jump bigger than the signal's own slope plus the click's.
        double maxStep = 0;
        for (int i = 1; i < rate; i++) maxStep = Math.Max(maxStep, Math.Abs(clicked.Channels[0][i] - clicked.Channels[0][i - 1]));
        Assert.True(maxStep < 0.5, $"step {maxStep}");
    }

    [Fact]
    public void Limits_negative_peaks_too()
    {
        // A song whose largest excursion is negative: the limiter must look at magnitudes, not signed maxima.
        var x = Enumerable.Repeat(-0.9f, 8000).ToArray();
        x[100] = 0.5f;
        var clicked = ClickTrackRenderer.Render(new AudioBuffer([x], 8000), [new Beat(0.25, 0)], new ClickTrackOptions { GainDb = -6 });
        Assert.True(clicked.Channels[0].Min() >= -ClickTrackRenderer.Ceiling, $"min {clicked.Channels[0].Min()}");
        Assert.True(clicked.Channels[0].Max() <= ClickTrackRenderer.Ceiling);
    }

    [Fact]
    public void Beats_outside_the_song_are_ignored_and_clicks_cut_at_the_end()
    {
        const int rate = 8000;
        var song = Silence(1, rate, 1);
        var beats = new[] { new Beat(-0.5, 0), new Beat(double.NaN, 0), new Beat(0.999, 0), new Beat(5, 1) };
        var x = ClickTrackRenderer.Render(song, beats).Channels[0];
        Assert.Equal(rate, x.Length);
        Assert.All(x.AsSpan(0, (int)Math.Round(0.999 * rate)).ToArray(), v => Assert.Equal(0f, v));
        Assert.True(PeakIn(x, (int)Math.Round(0.999 * rate), rate) > 0);
    }

    [Fact]
    public void Pitch_stays_below_nyquist_at_low_rates()
    {
        var click = ClickTrackRenderer.Synthesize(4000, 2500, 0.008, 1);
        Assert.InRange(ZeroCrossingFrequency(click, 0, click.Length, 4000), 1500, 1850);
        Assert.Equal(1f, click.Max(Math.Abs), 5);
        Assert.Equal(0f, click[^1]);
    }

    [Fact]
    public void Bad_options_are_a_groove_exception()
    {
        var song = Silence(1, 8000, 1);
        Assert.Throws<GrooveException>(() => ClickTrackRenderer.Render(song, [], new ClickTrackOptions { GainDb = double.NaN }));
        Assert.Throws<GrooveException>(() => ClickTrackRenderer.Render(song, [], new ClickTrackOptions { GainDb = 40 }));
        Assert.Throws<GrooveException>(() => ClickTrackRenderer.Render(song, [], new ClickTrackOptions { FrequencyHz = 0 }));
    }
}
