namespace Groove.Tests.Midi;

/// <summary>Builds Standard MIDI Files byte by byte for the tests.</summary>
internal sealed class TinyMidi
{
    private readonly List<List<byte>> _tracks = [];
    private readonly int _division;

    public TinyMidi(int division) => _division = division;

    public TrackBuilder Track()
    {
        var t = new List<byte>();
        _tracks.Add(t);
        return new TrackBuilder(t);
    }

    public byte[] Bytes()
    {
        var b = new List<byte> { (byte)'M', (byte)'T', (byte)'h', (byte)'d', 0, 0, 0, 6, 0, (byte)(_tracks.Count > 1 ? 1 : 0), 0, (byte)_tracks.Count,
            (byte)(_division >> 8), (byte)_division };
        foreach (var t in _tracks)
        {
            b.AddRange("MTrk"u8.ToArray());
            int n = t.Count + 4;
            b.AddRange([(byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n]);
            b.AddRange(t);
            b.AddRange([0, 0xFF, 0x2F, 0]);
        }
        return [.. b];
    }

    internal sealed class TrackBuilder(List<byte> t)
    {
        public TrackBuilder Delta(long ticks)
        {
            var groups = new List<byte> { (byte)(ticks & 0x7F) };
            while ((ticks >>= 7) > 0) groups.Insert(0, (byte)(0x80 | (ticks & 0x7F)));
            t.AddRange(groups);
            return this;
        }

        public TrackBuilder Tempo(long delta, int micros) { Delta(delta); t.AddRange([0xFF, 0x51, 3, (byte)(micros >> 16), (byte)(micros >> 8), (byte)micros]); return this; }
        public TrackBuilder Meter(long delta, int num, int denPow) { Delta(delta); t.AddRange([0xFF, 0x58, 4, (byte)num, (byte)denPow, 24, 8]); return this; }
        public TrackBuilder KeySig(long delta, sbyte sharps, bool minor) { Delta(delta); t.AddRange([0xFF, 0x59, 2, (byte)sharps, (byte)(minor ? 1 : 0)]); return this; }
        public TrackBuilder Raw(long delta, params byte[] bytes) { Delta(delta); t.AddRange(bytes); return this; }
    }
}
