namespace Groove;

/// <summary>A beat at <paramref name="Time"/> seconds; <paramref name="BeatInBar"/> is 1 on downbeats, 0 when unknown.</summary>
public readonly record struct Beat(double Time, int BeatInBar)
{
    public bool IsDownbeat => BeatInBar == 1;
}
