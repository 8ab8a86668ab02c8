using Groove.IO.Annotations;
using Groove.Evaluation.Tempo;
using Groove.Rhythm;
using Groove.Tests.Support;
using Groove.Tonality;

namespace Groove.Tests.Evaluation;

public class AnnotationReaderTests
{
    [Fact]
    public void Reads_gtzan_beats_with_bar_positions()
    {
        var beats = BeatAnnotations.Read(SharedData.Path("data", "dev", "gtzan20", "beats", "gtzan_blues_00000.beats"));
        Assert.True(beats.Count > 30);
        Assert.Equal(new Beat(0.217, 3), beats[0]);
        Assert.Equal(new Beat(1.173, 1), beats[2]);
        Assert.All(beats, b => Assert.InRange(b.BeatInBar, 1, 12));
    }

    [Fact]
    public void Reads_Ballroom_bar_dot_beat_SMC_times_and_Harmonix_three_columns()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("ballroom.beats"), "9.430022675\t9.3\n9.9\t9.4\n10.4\t10.1\n");
        Assert.Equal([new Beat(9.430022675, 3), new Beat(9.9, 4), new Beat(10.4, 1)], BeatAnnotations.Read(dir.File("ballroom.beats")));
        File.WriteAllText(dir.File("smc.txt"), "0.240000\n1.047000\n");
        Assert.Equal([new Beat(0.24, 0), new Beat(1.047, 0)], BeatAnnotations.Read(dir.File("smc.txt")));
        var harmonix = BeatAnnotations.Read(SharedData.Path("conformance", "harmonix", "dataset", "beats_and_downbeats", "0001_12step.txt"));
        Assert.Equal(new Beat(0.0, 1), harmonix[0]);
        Assert.Equal(new Beat(0.530973, 2), harmonix[1]);
        File.WriteAllText(dir.File("sci.beats"), "1.000000000000000000e+00 1.000000000000000000e+00\n");
        Assert.Equal([new Beat(1.0, 1)], BeatAnnotations.Read(dir.File("sci.beats")));
    }

    [Fact]
    public void Bad_beat_files_give_a_one_line_error_with_the_line_number()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.beats"), "0.5\n1.0x\n");
        var e = Assert.Throws<GrooveException>(() => BeatAnnotations.Read(dir.File("bad.beats")));
        Assert.Contains("bad.beats:2", e.Message);
        Assert.Throws<GrooveException>(() => BeatAnnotations.Read(dir.File("missing.beats")));
    }

    [Fact]
    public void Reads_tempo_files_in_all_three_forms()
    {
        Assert.Equal(TempoAnnotation.Single(125.87), TempoAnnotations.Read(SharedData.Path("data", "dev", "gtzan20", "tempo", "gtzan_blues_00000.bpm")));
        Assert.Equal(new TempoAnnotation(100.16, 0, 1), TempoAnnotations.Read(SharedData.Path("data", "dev", "more3", "tempo", "hains001.bpm")));
        Assert.Equal(new TempoAnnotation(87.5, 175, 0.7), TempoAnnotations.Read(SharedData.Path("data", "dev", "madmom", "sample.tempo")));
    }

    [Fact]
    public void Reads_key_files_lerch_and_text()
    {
        using var dir = new TempDir();
        // gtzan_blues_00000.lerch holds 22 = g minor (A = 0).
        Assert.Equal(new MusicalKey(7, KeyMode.Minor), KeyAnnotations.Read(SharedData.Path("data", "dev", "gtzan20", "key", "gtzan_blues_00000.lerch")));
        File.WriteAllText(dir.File("giantsteps.key"), "D major\n");
        Assert.Equal(new MusicalKey(2, KeyMode.Major), KeyAnnotations.Read(dir.File("giantsteps.key")));
        File.WriteAllText(dir.File("none.lerch"), "-1");
        Assert.Null(KeyAnnotations.Read(dir.File("none.lerch")));
        File.WriteAllText(dir.File("two.key"), "C major\nD major\n");
        Assert.Throws<GrooveException>(() => KeyAnnotations.Read(dir.File("two.key")));
    }

    [Fact]
    public void Reads_JAMS_beats_tempo_and_key()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("t.jams"), """
            {"file_metadata": {"duration": 30.0}, "annotations": [
              {"namespace": "tempo", "data": [{"time": 0, "duration": 30, "value": 120.0, "confidence": 0.6},
                                               {"time": 0, "duration": 30, "value": 60.0, "confidence": 0.4}]},
              {"namespace": "beat", "data": [{"time": 1.5, "duration": 0, "value": 2, "confidence": null},
                                              {"time": 0.5, "duration": 0, "value": 1, "confidence": null}]},
              {"namespace": "key_mode", "data": [{"time": 0, "duration": 30, "value": "Eb:minor", "confidence": 1}]}
            ]}
            """);
        Assert.Equal([new Beat(0.5, 1), new Beat(1.5, 2)], BeatAnnotations.Read(dir.File("t.jams")));
        var tempo = TempoAnnotations.Read(dir.File("t.jams"));
        Assert.Equal(120, tempo.Tempo1);
        Assert.Equal(60, tempo.Tempo2);
        Assert.Equal(0.6, tempo.Weight, 12);
        Assert.Equal(new MusicalKey(3, KeyMode.Minor), KeyAnnotations.Read(dir.File("t.jams")));

        File.WriteAllText(dir.File("sparse.jams"), """
            {"annotations": [{"namespace": "beat_position", "data": {"time": [0.1, 0.6], "duration": [0, 0],
              "value": [{"position": 4, "measure": 1, "num_beats": 4, "beat_units": 4}, {"position": 1, "measure": 2, "num_beats": 4, "beat_units": 4}],
              "confidence": [null, null]}}]}
            """);
        Assert.Equal([new Beat(0.1, 4), new Beat(0.6, 1)], BeatAnnotations.Read(dir.File("sparse.jams")));
        var e = Assert.Throws<GrooveException>(() => KeyAnnotations.Read(dir.File("sparse.jams")));
        Assert.Contains("key_mode", e.Message);
    }

    [Fact]
    public void Reads_Hainsworth_data_file()
    {
        using var dir = new TempDir();
        var header = string.Join("\n", Enumerable.Range(0, 13).Select(i => $"header line {i}"));
        // Beats at 1, 2, 3, 4, 5 s (in 44.1 kHz samples); downbeats as beat numbers 2 and 5 (bars of 3).
        File.WriteAllText(dir.File("data.txt"), header + "\n" +
            "hains001.wav <sep> Artist <sep> Title <sep> 60 <sep> 1 <sep> 1 <sep> 1 <sep> 1 <sep> 1 <sep> 0 <sep> 44100,88200,132300,176400,220500 <sep> 2,5\n");
        var entry = Assert.Single(HainsworthDataFile.Read(dir.File("data.txt")));
        Assert.Equal("hains001", entry.Name);
        Assert.Equal(60, entry.Tempo);
        Assert.Equal([new Beat(1, 3), new Beat(2, 1), new Beat(3, 2), new Beat(4, 3), new Beat(5, 1)], entry.Beats);
    }
}
