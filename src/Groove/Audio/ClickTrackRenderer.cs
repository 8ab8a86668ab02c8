using System.Numerics.Tensors;
using Groove.Rhythm;

namespace Groove.Audio;

/// <summary>
/// Mixes short synthesized clicks into a recording at given beats, to hear whether the beats are right. Each click is
/// a decaying sine burst; downbeats can sound higher and louder. The result keeps the song's sample rate and channels
/// (every channel gets the same click) and is peak-limited so that it never clips.
/// </summary>
public static class ClickTrackRenderer
{
    /// <summary>Output peaks stay at or below this (−0.18 dBFS), so 16-bit conversion never clips.</summary>
    public const float Ceiling = 0.98f;

    /// <summary>A new buffer: <paramref name="song"/> plus a click at every beat (beats outside the song are ignored).</summary>
    /// <exception cref="GrooveException">When <paramref name="options"/> has an out-of-range value.</exception>
    public static AudioBuffer Render(AudioBuffer song, IReadOnlyList<Beat> beats, ClickTrackOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(song);
        ArgumentNullException.ThrowIfNull(beats);
        options ??= new ClickTrackOptions();
        options.Validate();

        var clicks = RenderClicks(song.Length, song.SampleRate, beats, options);
        var mixed = new float[song.ChannelCount][];
        for (int c = 0; c < mixed.Length; c++)
        {
            mixed[c] = new float[song.Length];
            TensorPrimitives.Add(song.Channels[c], clicks, mixed[c]);
        }
        ClickTrackLimiter.Apply(mixed, song.SampleRate, Ceiling);
        return new AudioBuffer(mixed, song.SampleRate);
    }

    /// <summary>The clicks alone, as one channel of <paramref name="length"/> samples.</summary>
    internal static float[] RenderClicks(int length, int sampleRate, IReadOnlyList<Beat> beats, ClickTrackOptions options)
    {
        var track = new float[length];
        var plain = Synthesize(sampleRate, options.FrequencyHz, options.DecaySeconds, DbToAmplitude(options.GainDb));
        var accent = options.AccentDownbeats
            ? Synthesize(sampleRate, options.AccentFrequencyHz, options.DecaySeconds, DbToAmplitude(options.GainDb + options.AccentGainDb))
            : plain;
        foreach (var beat in beats)
        {
            if (!double.IsFinite(beat.Time) || beat.Time < 0) continue;
            double at = Math.Round(beat.Time * sampleRate);
            if (at >= length) continue;
            int start = (int)at;
            var click = beat.IsDownbeat ? accent : plain;
            int count = Math.Min(click.Length, length - start);
            var target = track.AsSpan(start, count);
            TensorPrimitives.Add(target, click.AsSpan(0, count), target);
        }
        return track;
    }

    /// <summary>
    /// One click: <c>sin(2π f t)·exp(−t/τ)</c>, scaled to peak at <paramref name="peak"/>, lasting until it has decayed
    /// by 60 dB and faded to exactly zero over its last millisecond. The pitch is kept below 0.45 × the sample rate.
    /// </summary>
    internal static float[] Synthesize(int sampleRate, double frequencyHz, double decaySeconds, double peak)
    {
        double f = Math.Min(frequencyHz, 0.45 * sampleRate);
        int length = Math.Max(2, (int)Math.Ceiling(decaySeconds * Math.Log(1000) * sampleRate));
        var click = new float[length];
        double w = 2 * Math.PI * f / sampleRate, k = 1.0 / (decaySeconds * sampleRate);
        for (int i = 0; i < length; i++)
            click[i] = (float)(Math.Sin(w * i) * Math.Exp(-k * i));
        int fade = Math.Clamp(sampleRate / 1000, 1, length);
        for (int i = 0; i < fade; i++)
            click[length - 1 - i] *= (float)i / fade;
        float max = Math.Abs(TensorPrimitives.MaxMagnitude(click)); // MaxMagnitude keeps the sign
        if (max > 0) TensorPrimitives.Multiply(click, (float)(peak / max), click);
        return click;
    }

    internal static double DbToAmplitude(double db) => Math.Pow(10, db / 20);
}
