namespace Groove.Rhythm.Learned;

/// <summary>
/// Frame-wise training targets for beat activations: 1 at the frame nearest each beat and 0.5 at its two neighbours
/// ("widened" targets, Böck, Davies &amp; Knees, "Multi-task learning of tempo and beat", ISMIR 2019), 0 elsewhere.
/// </summary>
public static class BeatTargets
{
    /// <summary>Targets of <paramref name="frames"/> frames at <paramref name="framesPerSecond"/> for beats in seconds.</summary>
    public static float[] Create(ReadOnlySpan<double> beats, int frames, double framesPerSecond, float neighbourValue = 0.5f)
    {
        var y = new float[frames];
        foreach (var beat in beats)
        {
            int f = (int)Math.Round(beat * framesPerSecond);
            if (f < 0 || f >= frames) continue;
            if (f > 0) y[f - 1] = Math.Max(y[f - 1], neighbourValue);
            if (f + 1 < frames) y[f + 1] = Math.Max(y[f + 1], neighbourValue);
        }
        foreach (var beat in beats)
        {
            int f = (int)Math.Round(beat * framesPerSecond);
            if (f >= 0 && f < frames) y[f] = 1f;
        }
        return y;
    }
}
