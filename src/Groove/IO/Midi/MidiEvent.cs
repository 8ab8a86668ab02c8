namespace Groove.IO.Midi;

/// <summary>What a <see cref="MidiEvent"/> is.</summary>
public enum MidiEventKind
{
    /// <summary>Note on with a velocity above 0.</summary>
    NoteOn,
    /// <summary>Note off, or note on with velocity 0.</summary>
    NoteOff,
    /// <summary>Set-tempo meta event.</summary>
    Tempo,
    /// <summary>Time-signature meta event.</summary>
    TimeSignature,
    /// <summary>Key-signature meta event.</summary>
    KeySignature,
}

/// <summary>
/// One event of a Standard MIDI File that Groove uses, with its absolute tick and the byte offset of its data in the
/// file (so that <see cref="MidiRewriter"/> can change tempi, pitches and velocities in place).
/// </summary>
/// <param name="Tick">Absolute time in ticks from the start of its track.</param>
/// <param name="Kind">What the event is.</param>
/// <param name="Channel">MIDI channel 0–15 (9 = General MIDI drums) of note events; −1 for meta events.</param>
/// <param name="A">Note events: key; tempo: microseconds per quarter note; time signature: numerator; key signature: sharps (negative: flats).</param>
/// <param name="B">Note events: velocity; time signature: denominator (2, 4, 8 …); key signature: 1 = minor, 0 = major.</param>
/// <param name="DataOffset">Offset in the file of the event's first data byte (the key of a note, the tempo's first byte).</param>
public readonly record struct MidiEvent(long Tick, MidiEventKind Kind, int Channel, int A, int B, int DataOffset);
