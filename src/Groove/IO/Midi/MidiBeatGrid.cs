namespace Groove.IO.Midi;

/// <summary>
/// Beats and downbeats of a MIDI file from its tempo map and time signatures. The beat is the denominator's note,
/// except in compound metres (6/8, 9/8, 12/8, 6/16 …: a numerator divisible by 3 above 3 with a denominator of 8 or
/// more), where it is three of them (the dotted quarter of 6/8), as beat annotations count them. Bars start at tick 0
/// (or at an offset for a pickup) and restart at every time-signature change.
/// </summary>
public static class MidiBeatGrid
{
    /// <summary>Beats per bar and the beat's length in ticks of a time signature.</summary>
    public static (int BeatsPerBar, double BeatTicks) Beat(int numerator, int denominator, int ticksPerQuarter)
    {
        if (numerator <= 0 || denominator <= 0) throw new GrooveException($"invalid time signature {numerator}/{denominator}");
        double unit = ticksPerQuarter * 4.0 / denominator;
        bool compound = denominator >= 8 && numerator > 3 && numerator % 3 == 0;
        return compound ? (numerator / 3, unit * 3) : (numerator, unit);
    }

    /// <summary>
    /// The beats from <paramref name="startTick"/> (a downbeat; a negative offset starts the bar before tick 0, for a
    /// pickup) up to <paramref name="endTick"/> (exclusive; default the file's last event) in seconds, with their
    /// position in the bar (1 = downbeat).
    /// </summary>
    public static List<Beat> Beats(MidiFile midi, long startTick = 0, long? endTick = null)
    {
        long end = endTick ?? midi.EndTick;
        var meters = midi.TimeSignatures.Count > 0 && midi.TimeSignatures[0].Tick == 0
            ? midi.TimeSignatures.ToList()
            : [(0L, 4, 4), .. midi.TimeSignatures];
        var beats = new List<Beat>();
        for (int m = 0; m < meters.Count; m++)
        {
            var (beatsPerBar, beatTicks) = Beat(meters[m].Numerator, meters[m].Denominator, midi.TicksPerQuarter);
            double from = m == 0 ? startTick : meters[m].Tick;
            long to = m + 1 < meters.Count ? meters[m + 1].Tick : end;
            for (long i = 0; ; i++)
            {
                double tick = from + i * beatTicks;
                if (tick >= to - 1e-9) break;
                if (tick < 0) continue;
                beats.Add(new Beat(midi.TempoMap.Seconds(tick), (int)(i % beatsPerBar) + 1));
            }
        }
        return beats;
    }
}
