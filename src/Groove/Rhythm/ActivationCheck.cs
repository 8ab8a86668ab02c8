namespace Groove.Rhythm;

/// <summary>Validation and cropping shared by the activation decoders.</summary>
internal static class ActivationCheck
{
    /// <summary>Throws a one-line <see cref="GrooveException"/> for NaN, infinities or values outside [0, 1].</summary>
    public static void Validate(ReadOnlySpan<float> values, string what, int columns = 1)
    {
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (float.IsNaN(v)) throw new GrooveException($"{what} contains NaN (frame {i / columns})");
            if (!(v >= 0f && v <= 1f)) throw new GrooveException($"{what} must lie in [0, 1], found {v} at frame {i / columns}");
        }
    }

    /// <summary>
    /// The frame range [first, end) from the first to the last frame where any column reaches
    /// <paramref name="threshold"/>; the whole range when the threshold is 0, empty when nothing reaches it.
    /// </summary>
    public static (int First, int End) ThresholdRange(ReadOnlySpan<float> values, int columns, double threshold)
    {
        int frames = values.Length / columns;
        if (threshold <= 0) return (0, frames);
        int first = -1, last = -1;
        for (int t = 0; t < frames; t++)
            for (int c = 0; c < columns; c++)
                if (values[t * columns + c] >= threshold)
                {
                    if (first < 0) first = t;
                    last = t;
                    break;
                }
        return first < 0 ? (0, 0) : (first, last + 1);
    }

    public static bool AnyNonZero(ReadOnlySpan<float> values)
    {
        foreach (var v in values) if (v != 0f) return true;
        return false;
    }
}
