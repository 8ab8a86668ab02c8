namespace Groove.Rhythm;

/// <summary>
/// Keeps only the beats where the music sounds. A beat decoder's state space keeps counting through anything, so
/// after the last onset (a final chord fading out, silence after the end) and before the first one it goes on
/// placing beats the music never played. Those are dropped here: the music is taken to span from the first to the
/// last frame whose activation reaches a fraction of the level typical at the beats.
/// </summary>
internal static class SoundingSpan
{
    /// <summary>An onset counts when its activation reaches this fraction of the median activation at the beats.</summary>
    public const double RelativeLevel = 0.2;

    /// <summary>Beats up to this far outside the first and last onsets are kept (the decoder moves beats to within a
    /// frame or two of the activation peaks; mir_eval's tolerance is 70 ms).</summary>
    public const double ToleranceSeconds = 0.1;

    /// <summary>The beats of <paramref name="times"/> (seconds, increasing) that lie between the first and last onsets
    /// of <paramref name="activation"/> (<paramref name="fps"/> frames per second), within the tolerance.</summary>
    public static double[] Trim(double[] times, ReadOnlySpan<float> activation, double fps)
    {
        var (from, to) = Find(times, activation, fps);
        return Array.FindAll(times, x => x >= from && x <= to);
    }

    /// <summary>Below this median activation at the beats (the activation's maximum is 0.99), the beats follow no
    /// onsets at all: a steady tone or drone, whose only onset is where it starts, gets beats placed by the tempo
    /// prior alone.</summary>
    public const double SteadyLevel = 0.02;

    /// <summary>True when the beats of <paramref name="times"/> sit on no onsets (median activation at the beats below
    /// <see cref="SteadyLevel"/>): the sound is steady and has no beat to find.</summary>
    public static bool IsSteady(double[] times, ReadOnlySpan<float> activation, double fps) =>
        times.Length >= 2 && activation.Length > 0 && MedianAtBeats(times, activation, fps) < SteadyLevel;

    /// <summary>The time span [from, to] in seconds where beats are kept (everything when it cannot tell).</summary>
    public static (double From, double To) Find(double[] times, ReadOnlySpan<float> activation, double fps)
    {
        var all = (double.NegativeInfinity, double.PositiveInfinity);
        if (times.Length < 2 || activation.Length == 0) return all;
        double level = RelativeLevel * MedianAtBeats(times, activation, fps);
        if (!(level > 0)) return all;
        int first = -1, last = -1;
        for (int t = 0; t < activation.Length; t++)
            if (activation[t] >= level)
            {
                if (first < 0) first = t;
                last = t;
            }
        if (first < 0) return all;
        return (first / fps - ToleranceSeconds, last / fps + ToleranceSeconds);
    }

    private static float MedianAtBeats(double[] times, ReadOnlySpan<float> activation, double fps)
    {
        var atBeats = new float[times.Length];
        for (int i = 0; i < times.Length; i++)
        {
            int c = (int)Math.Round(times[i] * fps);
            float peak = 0;
            for (int t = Math.Max(0, c - 2); t <= Math.Min(activation.Length - 1, c + 2); t++) peak = Math.Max(peak, activation[t]);
            atBeats[i] = peak;
        }
        Array.Sort(atBeats);
        return atBeats[atBeats.Length / 2];
    }
}
