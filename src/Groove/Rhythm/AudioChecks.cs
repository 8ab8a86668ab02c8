using Groove.Audio;

namespace Groove.Rhythm;

/// <summary>Input checks shared by the audio beat trackers: mono mixdown, DC offset, clipping, silence, length.</summary>
internal static class AudioChecks
{
    /// <summary>Minimum duration for a meaningful beat estimate.</summary>
    public const double MinSeconds = 2.0;

    /// <summary>Shorter inputs get no beats at all: under a second not even two beats of the slowest tempo (55 BPM) fit.</summary>
    public const double MinTrackableSeconds = 1.0;

    /// <summary>
    /// A mono copy with any DC offset removed; warns about short, clipped, offset or silent input.
    /// <paramref name="silent"/> is true when there is nothing to track (silence, or an empty buffer).
    /// </summary>
    public static float[] PrepareMono(AudioBuffer audio, Action<string>? onWarning, out bool silent)
    {
        var mono = (float[])audio.Mono().Clone();
        if (mono.Length == 0) { silent = Judge(0, 0, 0, 0, 0, onWarning); return mono; }
        double sum = 0;
        foreach (var v in mono) sum += v;
        float mean = (float)(sum / mono.Length);
        int clipped = 0;
        foreach (var c in audio.Channels) foreach (var v in c) if (Math.Abs(v) >= 0.999f) clipped++;
        float peak = 0;
        for (int i = 0; i < mono.Length; i++) { mono[i] -= mean; peak = Math.Max(peak, Math.Abs(mono[i])); }
        silent = Judge(audio.Duration, mean, peak, clipped, audio.Length * audio.ChannelCount, onWarning);
        return mono;
    }

    /// <summary>
    /// The warnings of <see cref="PrepareMono"/> from statistics of the whole recording (a long one analysed in blocks
    /// measures them in a first pass); true when there is nothing to track.
    /// </summary>
    /// <param name="seconds">Duration (0: empty).</param>
    /// <param name="mean">The mono signal's mean (DC offset).</param>
    /// <param name="peak">The largest magnitude of the mono signal after removing <paramref name="mean"/> (NaN: damaged).</param>
    /// <param name="clipped">Samples, over all channels, at full scale.</param>
    /// <param name="samples">Samples over all channels.</param>
    /// <param name="onWarning">Receives the warnings.</param>
    public static bool Judge(double seconds, float mean, float peak, long clipped, long samples, Action<string>? onWarning)
    {
        if (samples == 0) { onWarning?.Invoke("no beats: the audio is empty"); return true; }
        if (seconds < MinTrackableSeconds)
        {
            onWarning?.Invoke(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"no beats: the audio is only {seconds:0.###} s long, too short to find beats; at least {MinTrackableSeconds:0.#} s is needed"));
            return true;
        }
        if (seconds < MinSeconds)
            onWarning?.Invoke($"the audio is only {seconds:F2} s long; beats need at least {MinSeconds:F0} s to be reliable");
        if (clipped > samples / 1000 + 10)
            onWarning?.Invoke($"the audio clips ({clipped} samples at full scale); beats may be less accurate");
        if (Math.Abs(mean) > 0.01f) onWarning?.Invoke($"removed a DC offset of {mean:F3}");
        if (!(peak > 1e-4f) || float.IsNaN(peak))
        {
            onWarning?.Invoke("no beats: the audio is silent");
            return true;
        }
        return false;
    }
}
