namespace Groove.IO.Midi;

/// <summary>
/// Converts MIDI ticks to seconds through a file's set-tempo events (120 BPM, 500 000 µs per quarter note, until the
/// first one). Immutable; thread-safe.
/// </summary>
public sealed class MidiTempoMap
{
    private readonly long[] _ticks;
    private readonly double[] _seconds;
    private readonly int[] _microsPerQuarter;

    /// <summary>The default tempo of a file without tempo events: 500 000 µs per quarter (120 BPM).</summary>
    public const int DefaultMicrosPerQuarter = 500_000;

    /// <param name="ticksPerQuarter">The file's division.</param>
    /// <param name="tempi">Tempo changes (tick, µs per quarter note) in order of tick.</param>
    public MidiTempoMap(int ticksPerQuarter, IEnumerable<(long Tick, int MicrosPerQuarter)> tempi)
    {
        if (ticksPerQuarter <= 0) throw new ArgumentOutOfRangeException(nameof(ticksPerQuarter));
        TicksPerQuarter = ticksPerQuarter;
        var list = new List<(long Tick, int Micros)> { (0, DefaultMicrosPerQuarter) };
        foreach (var (tick, micros) in tempi)
        {
            if (micros <= 0) continue;
            if (list[^1].Tick == tick) list[^1] = (tick, micros);
            else if (tick > list[^1].Tick) list.Add((tick, micros));
        }
        _ticks = list.Select(t => t.Tick).ToArray();
        _microsPerQuarter = list.Select(t => t.Micros).ToArray();
        _seconds = new double[_ticks.Length];
        for (int i = 1; i < _ticks.Length; i++)
            _seconds[i] = _seconds[i - 1] + (_ticks[i] - _ticks[i - 1]) * _microsPerQuarter[i - 1] * 1e-6 / ticksPerQuarter;
    }

    /// <summary>Ticks per quarter note.</summary>
    public int TicksPerQuarter { get; }

    /// <summary>Seconds at <paramref name="tick"/>.</summary>
    public double Seconds(double tick)
    {
        int i = Segment(tick);
        return _seconds[i] + (tick - _ticks[i]) * _microsPerQuarter[i] * 1e-6 / TicksPerQuarter;
    }

    /// <summary>The tick at <paramref name="seconds"/> (the inverse of <see cref="Seconds"/>).</summary>
    public double Tick(double seconds)
    {
        int i = Array.BinarySearch(_seconds, seconds);
        if (i < 0) i = ~i - 1;
        i = Math.Max(i, 0);
        return _ticks[i] + (seconds - _seconds[i]) * TicksPerQuarter / (_microsPerQuarter[i] * 1e-6);
    }

    /// <summary>Quarter notes per minute at <paramref name="tick"/>.</summary>
    public double QuarterBpm(double tick) => 60e6 / _microsPerQuarter[Segment(tick)];

    private int Segment(double tick)
    {
        int i = Array.BinarySearch(_ticks, (long)Math.Floor(tick));
        if (i < 0) i = ~i - 1;
        return Math.Max(i, 0);
    }
}
