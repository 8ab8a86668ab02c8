namespace Groove.IO.Midi;

/// <summary>
/// A Standard MIDI File (format 0 or 1, ticks per quarter note) read for its notes, tempo map, meter and key:
/// the events Groove needs to label rendered audio with beats. Other events (controllers, programs, SysEx, text) are
/// skipped. Running status is supported. Immutable; thread-safe.
/// </summary>
public sealed class MidiFile
{
    /// <summary>General MIDI's drum channel (channel 10, zero-based 9).</summary>
    public const int DrumChannel = 9;

    private MidiFile(byte[] bytes, int format, int ticksPerQuarter, IReadOnlyList<MidiEvent> events, IReadOnlyList<MidiTrackChunk> tracks)
    {
        Tracks = tracks;
        Bytes = bytes;
        Format = format;
        TicksPerQuarter = ticksPerQuarter;
        Events = events;
        TempoMap = new MidiTempoMap(ticksPerQuarter, events.Where(e => e.Kind == MidiEventKind.Tempo).Select(e => (e.Tick, e.A)));
        var meters = new List<(long Tick, int Numerator, int Denominator)>();
        foreach (var e in events.Where(e => e.Kind == MidiEventKind.TimeSignature))
        {
            if (meters.Count > 0 && meters[^1].Tick == e.Tick) meters[^1] = (e.Tick, e.A, e.B); // the last at a tick wins
            else meters.Add((e.Tick, e.A, e.B));
        }
        TimeSignatures = meters;
        EndTick = events.Count == 0 ? 0 : events.Max(e => e.Tick);
    }

    /// <summary>The file's bytes.</summary>
    public byte[] Bytes { get; }
    /// <summary>0 (one track) or 1 (several tracks played together).</summary>
    public int Format { get; }
    /// <summary>Ticks per quarter note (the header's division).</summary>
    public int TicksPerQuarter { get; }
    /// <summary>Every note, tempo, time-signature and key-signature event of all tracks, ordered by tick (stable by track).</summary>
    public IReadOnlyList<MidiEvent> Events { get; }
    /// <summary>Where each track chunk lies in <see cref="Bytes"/>, with the tick and offset of each of its events.</summary>
    public IReadOnlyList<MidiTrackChunk> Tracks { get; }
    /// <summary>Tick ↔ seconds.</summary>
    public MidiTempoMap TempoMap { get; }
    /// <summary>Time signatures in order of tick (none: 4/4 is assumed, as the standard says).</summary>
    public IReadOnlyList<(long Tick, int Numerator, int Denominator)> TimeSignatures { get; }
    /// <summary>Tick of the last event.</summary>
    public long EndTick { get; }
    /// <summary>Seconds of the last event.</summary>
    public double Duration => TempoMap.Seconds(EndTick);

    /// <summary>Notes (on/off paired by channel and key; a note still on at the end ends at <see cref="EndTick"/>) in seconds, by onset.</summary>
    public IReadOnlyList<MidiNote> Notes()
    {
        var open = new Dictionary<(int, int), Stack<MidiEvent>>();
        var notes = new List<MidiNote>();
        foreach (var e in Events)
        {
            if (e.Kind == MidiEventKind.NoteOn)
            {
                if (!open.TryGetValue((e.Channel, e.A), out var s)) open[(e.Channel, e.A)] = s = new Stack<MidiEvent>();
                s.Push(e);
            }
            else if (e.Kind == MidiEventKind.NoteOff && open.TryGetValue((e.Channel, e.A), out var s) && s.Count > 0)
            {
                var on = s.Pop();
                notes.Add(new MidiNote(on.Channel, on.A, on.B, TempoMap.Seconds(on.Tick), TempoMap.Seconds(e.Tick)));
            }
        }
        foreach (var s in open.Values)
            foreach (var on in s)
                notes.Add(new MidiNote(on.Channel, on.A, on.B, TempoMap.Seconds(on.Tick), Duration));
        return notes.OrderBy(n => n.Start).ThenBy(n => n.Channel).ThenBy(n => n.Key).ToList();
    }

    /// <summary>Reads a file.</summary>
    /// <exception cref="GrooveException">Missing, not a MIDI file, SMPTE time or truncated.</exception>
    public static MidiFile Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new GrooveException($"{path}: {e.Message}"); }
        try { return Parse(bytes); }
        catch (GrooveException e) { throw new GrooveException($"{path}: {e.Message}"); }
    }

    /// <summary>Parses the bytes of a Standard MIDI File.</summary>
    /// <exception cref="GrooveException">Not a MIDI file, SMPTE time or truncated.</exception>
    public static MidiFile Parse(byte[] bytes)
    {
        if (bytes.Length < 14 || bytes[0] != 'M' || bytes[1] != 'T' || bytes[2] != 'h' || bytes[3] != 'd')
            throw new GrooveException("not a Standard MIDI File (no MThd header)");
        int headerLength = (int)ReadU32(bytes, 4);
        int format = ReadU16(bytes, 8), trackCount = ReadU16(bytes, 10), division = ReadU16(bytes, 12);
        if (format > 2) throw new GrooveException($"unknown MIDI format {format}");
        if ((division & 0x8000) != 0) throw new GrooveException("SMPTE time division is not supported");
        if (division == 0) throw new GrooveException("MIDI division is 0 ticks per quarter note");
        var events = new List<(MidiEvent E, int Track, int Order)>();
        var chunks = new List<MidiTrackChunk>();
        int pos = 8 + headerLength;
        for (int track = 0; track < trackCount && pos + 8 <= bytes.Length; track++)
        {
            long length = ReadU32(bytes, pos + 4);
            bool isTrack = bytes[pos] == 'M' && bytes[pos + 1] == 'T' && bytes[pos + 2] == 'r' && bytes[pos + 3] == 'k';
            int start = pos + 8;
            if (start + length > bytes.Length) throw new GrooveException($"MIDI track {track} is truncated");
            if (isTrack)
            {
                var starts = new List<(long, int)>();
                ReadTrack(bytes, start, (int)(start + length), track, events, starts);
                chunks.Add(new MidiTrackChunk(pos, start, (int)(start + length), starts));
            }
            else track--; // an unknown chunk: skip it, it is no track
            pos = (int)(start + length);
        }
        var ordered = events.OrderBy(e => e.E.Tick).ThenBy(e => e.Track).ThenBy(e => e.Order).Select(e => e.E).ToList();
        return new MidiFile(bytes, format, division, ordered, chunks);
    }

    private static void ReadTrack(byte[] b, int pos, int end, int track, List<(MidiEvent, int, int)> events, List<(long, int)> starts)
    {
        long tick = 0;
        int running = 0, order = 0;
        while (pos < end)
        {
            int eventStart = pos;
            tick += ReadVarLen(b, ref pos, end);
            starts.Add((tick, eventStart));
            if (pos >= end) throw new GrooveException($"MIDI track {track} ends inside an event");
            int status = b[pos];
            if (status >= 0x80) pos++;
            else if (running == 0) throw new GrooveException($"MIDI track {track}: data byte without a status");
            else status = running;
            if (status == 0xFF)
            {
                Need(b, pos, 1, end, track);
                int type = b[pos++];
                int len = (int)ReadVarLen(b, ref pos, end);
                Need(b, pos, len, end, track);
                if (type == 0x51 && len == 3)
                    events.Add((new MidiEvent(tick, MidiEventKind.Tempo, -1, (b[pos] << 16) | (b[pos + 1] << 8) | b[pos + 2], 0, pos), track, order++));
                else if (type == 0x58 && len >= 2)
                    events.Add((new MidiEvent(tick, MidiEventKind.TimeSignature, -1, b[pos], 1 << Math.Min((int)b[pos + 1], 6), pos), track, order++));
                else if (type == 0x59 && len == 2)
                    events.Add((new MidiEvent(tick, MidiEventKind.KeySignature, -1, (sbyte)b[pos], b[pos + 1], pos), track, order++));
                pos += len;
                if (type == 0x2F) break; // end of track
                running = 0;
            }
            else if (status is 0xF0 or 0xF7)
            {
                int len = (int)ReadVarLen(b, ref pos, end);
                Need(b, pos, len, end, track);
                pos += len;
                running = 0;
            }
            else
            {
                running = status;
                int kind = status & 0xF0, channel = status & 0x0F;
                int dataBytes = kind is 0xC0 or 0xD0 ? 1 : 2;
                Need(b, pos, dataBytes, end, track);
                if (kind is 0x80 or 0x90)
                {
                    int key = b[pos] & 0x7F, velocity = b[pos + 1] & 0x7F;
                    var k = kind == 0x90 && velocity > 0 ? MidiEventKind.NoteOn : MidiEventKind.NoteOff;
                    events.Add((new MidiEvent(tick, k, channel, key, velocity, pos), track, order++));
                }
                pos += dataBytes;
            }
        }
    }

    private static void Need(byte[] b, int pos, int count, int end, int track)
    {
        if (pos + count > end || pos + count > b.Length) throw new GrooveException($"MIDI track {track} ends inside an event");
    }

    private static long ReadVarLen(byte[] b, ref int pos, int end)
    {
        long v = 0;
        for (int i = 0; i < 4; i++)
        {
            if (pos >= end) throw new GrooveException("MIDI variable-length number runs past its track");
            int c = b[pos++];
            v = (v << 7) | (long)(c & 0x7F);
            if ((c & 0x80) == 0) return v;
        }
        throw new GrooveException("MIDI variable-length number longer than 4 bytes");
    }

    private static int ReadU16(byte[] b, int p) => (b[p] << 8) | b[p + 1];
    private static long ReadU32(byte[] b, int p) => ((long)b[p] << 24) | ((long)b[p + 1] << 16) | ((long)b[p + 2] << 8) | b[p + 3];
}

/// <summary>A track chunk of a MIDI file.</summary>
/// <param name="ChunkStart">Offset of its "MTrk".</param>
/// <param name="DataStart">Offset of its first event.</param>
/// <param name="DataEnd">Offset just past its last byte.</param>
/// <param name="EventStarts">(absolute tick, offset of the event's delta time) of every event, in order.</param>
public sealed record MidiTrackChunk(int ChunkStart, int DataStart, int DataEnd, IReadOnlyList<(long Tick, int Offset)> EventStarts);

/// <summary>A sounding note.</summary>
/// <param name="Channel">MIDI channel 0–15 (9 = drums).</param>
/// <param name="Key">MIDI key number.</param>
/// <param name="Velocity">Note-on velocity 1–127.</param>
/// <param name="Start">Onset in seconds.</param>
/// <param name="End">Offset in seconds.</param>
public readonly record struct MidiNote(int Channel, int Key, int Velocity, double Start, double End);
