using Groove.Audio;

namespace Groove.Tonality;

/// <summary>Decides whether audio holds enough to tell a key from: not silent, and not a mere fragment.</summary>
public static class KeyInputCheck
{
    /// <summary>Shorter inputs get no key: under a second there is not even one chord to hear.</summary>
    public const double MinSeconds = 1.0;

    /// <summary>A peak below this (−80 dBFS, <see cref="AudioFile.SilencePeakDbfs"/>) is silence.</summary>
    public const float SilentPeak = 1e-4f;

    /// <summary>Why <paramref name="audio"/> has no key ("the audio is silent"), or null when it may have one.</summary>
    /// <param name="audio">The input (its duration is checked).</param>
    /// <param name="mono">Its mono mixdown (its peak is checked).</param>
    public static string? Problem(AudioBuffer audio, ReadOnlySpan<float> mono)
    {
        if (mono.Length == 0) return "the audio is empty";
        float peak = 0;
        foreach (var v in mono)
        {
            if (float.IsNaN(v)) return "the audio contains NaN samples";
            peak = Math.Max(peak, Math.Abs(v));
        }
        return Problem(audio.Duration, peak);
    }

    /// <summary>Why a recording of <paramref name="seconds"/> whose mono mixdown peaks at <paramref name="peak"/> has no
    /// key, or null when it may have one (a long recording analysed in blocks measures both in a first pass).</summary>
    /// <param name="seconds">Its duration.</param>
    /// <param name="peak">The largest magnitude of its mono mixdown.</param>
    public static string? Problem(double seconds, float peak)
    {
        if (peak < SilentPeak) return "the audio is silent";
        if (seconds < MinSeconds)
            return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the audio is only {seconds:0.###} s long, too short to tell a key; at least {MinSeconds:0.#} s is needed");
        return null;
    }
}
