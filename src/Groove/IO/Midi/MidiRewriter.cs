namespace Groove.IO.Midi;

/// <summary>
/// Changes a MIDI file in place (a new byte array, same layout): tempo scaled, non-drum notes transposed, and notes
/// of some channels silenced (their note-ons get velocity 0), e.g. to render drums and other instruments as
/// separate stems. The tick grid is untouched, so <see cref="MidiBeatGrid"/> of the result gives its beats.
/// </summary>
public static class MidiRewriter
{
    /// <param name="midi">The file.</param>
    /// <param name="tempoFactor">Tempo multiplier (1.1 = 10% faster); every set-tempo event is scaled, and a file
    /// without one gets none (so keep it 1 for such files; <see cref="HasTempo"/>).</param>
    /// <param name="transpose">Semitones added to every note not on the drum channel (clamped to 0–127).</param>
    /// <param name="keep">Which channels still sound (null: all).</param>
    public static byte[] Rewrite(MidiFile midi, double tempoFactor = 1, int transpose = 0, Func<int, bool>? keep = null)
    {
        if (!(tempoFactor > 0)) throw new ArgumentOutOfRangeException(nameof(tempoFactor));
        var b = (byte[])midi.Bytes.Clone();
        foreach (var e in midi.Events)
        {
            switch (e.Kind)
            {
                case MidiEventKind.Tempo when tempoFactor != 1:
                    int micros = (int)Math.Clamp(Math.Round(e.A / tempoFactor), 1, 0xFFFFFF);
                    b[e.DataOffset] = (byte)(micros >> 16);
                    b[e.DataOffset + 1] = (byte)(micros >> 8);
                    b[e.DataOffset + 2] = (byte)micros;
                    break;
                case MidiEventKind.NoteOn or MidiEventKind.NoteOff:
                    if (transpose != 0 && e.Channel != MidiFile.DrumChannel)
                        b[e.DataOffset] = (byte)Math.Clamp(e.A + transpose, 0, 127);
                    if (e.Kind == MidiEventKind.NoteOn && keep is not null && !keep(e.Channel))
                        b[e.DataOffset + 1] = 0;
                    break;
            }
        }
        return b;
    }

    /// <summary>
    /// <paramref name="bytes"/> (the file of <paramref name="midi"/> or a <see cref="Rewrite"/> of it: same layout) with
    /// every track ended at <paramref name="endTick"/>: later events dropped, "all sound off" on every channel and an
    /// end-of-track event in their place, so that a synthesizer stops there.
    /// </summary>
    public static byte[] Truncate(MidiFile midi, byte[] bytes, long endTick)
    {
        if (bytes.Length != midi.Bytes.Length) throw new ArgumentException("the bytes do not have the file's layout", nameof(bytes));
        var output = new List<byte>(bytes.Length);
        int headerEnd = midi.Tracks.Count > 0 ? midi.Tracks[0].ChunkStart : bytes.Length;
        output.AddRange(bytes.AsSpan(0, headerEnd));
        foreach (var t in midi.Tracks)
        {
            int cut = t.DataEnd;
            long lastTick = 0;
            foreach (var (tick, offset) in t.EventStarts)
            {
                if (tick > endTick) { cut = offset; break; }
                lastTick = tick;
            }
            var body = new List<byte>(bytes.AsSpan(t.DataStart, cut - t.DataStart).ToArray());
            if (cut != t.DataEnd)
            {
                long delta = endTick - lastTick;
                var vlq = new List<byte> { (byte)(delta & 0x7F) };
                while ((delta >>= 7) > 0) vlq.Insert(0, (byte)(0x80 | (delta & 0x7F)));
                body.AddRange(vlq);
                // All sound off (CC 120) on every channel, so that held notes do not ring on after the file ends.
                for (int ch = 0; ch < 16; ch++)
                {
                    if (ch > 0) body.Add(0);
                    body.AddRange([(byte)(0xB0 | ch), 120, 0]);
                }
                body.AddRange([0, 0xFF, 0x2F, 0x00]);
            }
            output.AddRange("MTrk"u8);
            int n = body.Count;
            output.AddRange([(byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n]);
            output.AddRange(body);
        }
        return [.. output];
    }

    /// <summary>True when the file has a set-tempo event at tick 0 (so <see cref="Rewrite"/> can scale its tempo).</summary>
    public static bool HasTempo(MidiFile midi) => midi.Events.Any(e => e.Kind == MidiEventKind.Tempo && e.Tick == 0);
}
