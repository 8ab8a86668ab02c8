using Groove.IO.Midi;

namespace Groove.Tests.Midi;

public sealed class MidiFileTests
{
    // Division 96. Track 0: 120 BPM, 4/4, E minor signature, tempo change to 60 BPM at tick 384 (one 4/4 bar).
    // Track 1: a piano note on channel 0 (running status for its note-off as note-on velocity 0), a drum hit on 9.
    private static byte[] TwoTrackFile()
    {
        var m = new TinyMidi(96);
        m.Track().Tempo(0, 500_000).Meter(0, 4, 2).KeySig(0, 1, true).Tempo(384, 1_000_000);
        m.Track().Raw(0, 0x90, 60, 100).Raw(96, 60, 0) // running status: note-on velocity 0 = note off
            .Raw(0, 0xC0, 5)                            // program change (1 data byte), skipped
            .Raw(288, 0x99, 36, 90).Raw(96, 0x89, 36, 0);
        return m.Bytes();
    }

    [Fact]
    public void Reads_notes_with_running_status_and_converts_ticks_through_the_tempo_map()
    {
        var midi = MidiFile.Parse(TwoTrackFile());
        Assert.Equal(1, midi.Format);
        Assert.Equal(96, midi.TicksPerQuarter);
        var notes = midi.Notes();
        Assert.Equal(2, notes.Count);
        // Piano: ticks 0–96 at 120 BPM = 0–0.5 s.
        Assert.Equal((0, 60, 100), (notes[0].Channel, notes[0].Key, notes[0].Velocity));
        Assert.Equal(0.5, notes[0].End, 9);
        // Drum: tick 384 = 2.0 s (4 quarters at 0.5 s), ends at tick 480 = 2 s + 1 quarter at 60 BPM = 3.0 s.
        Assert.Equal((MidiFile.DrumChannel, 36), (notes[1].Channel, notes[1].Key));
        Assert.Equal(2.0, notes[1].Start, 9);
        Assert.Equal(3.0, notes[1].End, 9);
        Assert.Equal(60.0, midi.TempoMap.QuarterBpm(400), 9);
        Assert.Single(midi.TimeSignatures);
        Assert.Contains(midi.Events, e => e.Kind == MidiEventKind.KeySignature && e.A == 1 && e.B == 1);
    }

    [Fact]
    public void Beats_follow_a_tempo_change_and_number_the_bar()
    {
        var midi = MidiFile.Parse(TwoTrackFile());
        var beats = MidiBeatGrid.Beats(midi, endTick: 96 * 7);
        // 4 beats at 0.5 s, then 3 at 1 s.
        Assert.Equal([0, 0.5, 1, 1.5, 2, 3, 4], beats.Select(b => Math.Round(b.Time, 9)));
        Assert.Equal([1, 2, 3, 4, 1, 2, 3], beats.Select(b => b.BeatInBar));
    }

    [Fact]
    public void Three_four_then_six_eight_counts_dotted_quarters_in_compound_time()
    {
        var m = new TinyMidi(120);
        // 3/4 for one bar (360 ticks), then 6/8: beat = dotted quarter (180 ticks), 2 per bar.
        m.Track().Tempo(0, 600_000).Meter(0, 3, 2).Meter(360, 6, 3).Raw(720, 0x90, 60, 64).Raw(120, 0x80, 60, 0);
        var midi = MidiFile.Parse(m.Bytes());
        var beats = MidiBeatGrid.Beats(midi);
        Assert.Equal([1, 2, 3, 1, 2, 1, 2, 1], beats.Select(b => b.BeatInBar)); // the file ends at tick 1200
        Assert.Equal(0.6, beats[1].Time, 9);        // a quarter at 100 BPM
        Assert.Equal(1.8 + 0.9, beats[4].Time, 9);  // the 6/8 beat: 1.5 quarters
        Assert.Equal((2, 180.0), MidiBeatGrid.Beat(6, 8, 120));
        Assert.Equal((3, 120.0), MidiBeatGrid.Beat(3, 4, 120));
        Assert.Equal((3, 60.0), MidiBeatGrid.Beat(3, 8, 120)); // 3/8 is simple: three eighths
    }

    [Fact]
    public void Rewrite_scales_tempo_transposes_pitched_notes_only_and_silences_channels()
    {
        var midi = MidiFile.Parse(TwoTrackFile());
        var fast = MidiFile.Parse(MidiRewriter.Rewrite(midi, tempoFactor: 2, transpose: 3, keep: ch => ch == MidiFile.DrumChannel));
        var notes = fast.Notes();
        Assert.Single(notes); // the piano note-on now has velocity 0
        Assert.Equal(36, notes[0].Key); // drums are not transposed
        Assert.Equal(1.0, notes[0].Start, 9); // twice as fast
        Assert.Contains(fast.Events, e => e.Kind == MidiEventKind.NoteOff && e.Channel == 0 && e.A == 63);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { (byte)'M', (byte)'T', (byte)'h', (byte)'d', 0, 0, 0, 6, 0, 1, 0, 1, 0x80, 0x60 })]
    public void Bad_files_get_one_line_errors(byte[] bytes) => Assert.Throws<GrooveException>(() => MidiFile.Parse(bytes));

    [Fact]
    public void A_truncated_track_is_an_error()
    {
        var b = TwoTrackFile();
        Assert.Throws<GrooveException>(() => MidiFile.Parse(b[..^6]));
    }

    [Fact]
    public void Truncate_ends_every_track_at_the_tick_and_keeps_what_is_before()
    {
        var midi = MidiFile.Parse(TwoTrackFile());
        var cut = MidiFile.Parse(MidiRewriter.Truncate(midi, midi.Bytes, 200));
        Assert.All(cut.Tracks, t => Assert.Equal(200, t.EventStarts[^1].Tick)); // each ends with end-of-track at 200
        Assert.Single(cut.Notes()); // the drum hit at tick 384 is gone
        Assert.Equal(0.5, cut.Notes()[0].End, 9);
        Assert.Equal(2.0, midi.TempoMap.Seconds(midi.TempoMap.Tick(2.0)), 9);
        Assert.Equal(3.0, midi.TempoMap.Seconds(midi.TempoMap.Tick(3.0)), 9);
    }
}
