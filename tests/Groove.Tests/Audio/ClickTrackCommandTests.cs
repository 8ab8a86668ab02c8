using Groove.Audio;
using Groove.Cli;
using Groove.Tests.Support;

namespace Groove.Tests.Audio;

public class ClickTrackCommandTests
{
    private static readonly string Clip = SharedData.Path("data", "dev", "gtzan20", "audio", "gtzan_blues_00000.wav");
    private static readonly string Beats = SharedData.Path("data", "dev", "gtzan20", "beats", "gtzan_blues_00000.beats");

    [Fact]
    public void Click_with_a_beats_file_writes_the_song_with_clicks()
    {
        using var dir = new TempDir();
        var output = dir.File("out.wav");
        int rc = Program.Main(["click", Clip, "--beats", Beats, "--downbeat-accent", "--gain", "-6", "-o", output]);
        Assert.Equal(0, rc);
        var song = AudioFile.Load(Clip);
        var clicked = AudioFile.Load(output);
        Assert.Equal(song.SampleRate, clicked.SampleRate);
        Assert.Equal(song.ChannelCount, clicked.ChannelCount);
        Assert.Equal(song.Length, clicked.Length);
        Assert.True(clicked.Channels[0].Max(Math.Abs) <= ClickTrackRenderer.Ceiling + 1 / 32768f);
        // Where the first annotated beat is, the output differs from the song (a click was added).
        var first = File.ReadLines(Beats).First().Split('\t')[0];
        int at = (int)Math.Round(double.Parse(first, System.Globalization.CultureInfo.InvariantCulture) * song.SampleRate);
        double diff = 0;
        for (int i = at; i < at + 200; i++) diff += Math.Abs(clicked.Channels[0][i] - song.Channels[0][i]);
        Assert.True(diff > 10, $"no click at the first beat (difference {diff})");
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void Without_a_beats_file_the_default_tracker_finds_the_beats()
    {
        using var dir = new TempDir();
        var output = dir.File("tracked.wav");
        Assert.Equal(0, Program.Main(["click", Clip, "-o", output]));
        var song = AudioFile.Load(Clip);
        var clicked = AudioFile.Load(output);
        Assert.Equal(song.Length, clicked.Length);
        // Clicks were added: the difference from the song has the energy of many clicks (one is ~0.5 peak, 56 ms).
        double energy = 0;
        for (int i = 0; i < song.Length; i++)
        {
            double d = clicked.Channels[0][i] - song.Channels[0][i];
            energy += d * d;
        }
        double oneClick = ClickTrackRenderer.Synthesize(song.SampleRate, 1500, 0.008, 0.5).Sum(x => (double)x * x);
        Assert.InRange(energy / oneClick, 20, 200); // a 30 s clip at 40–300 BPM
        Assert.Equal(1, Program.Main(["click", Clip, "--model", "no-such-tracker", "-o", dir.File("x.wav")]));
    }

    [Fact]
    public void Bad_inputs_fail_with_exit_code_1_and_write_nothing()
    {
        using var dir = new TempDir();
        var output = dir.File("out.wav");
        var text = dir.File("notes.beats");
        File.WriteAllText(text, "hello\n");
        Assert.Equal(1, Program.Main(["click", Clip, "--beats", text, "-o", output]));
        Assert.Equal(1, Program.Main(["click", Clip, "--beats", dir.File("missing.beats"), "-o", output]));
        Assert.Equal(1, Program.Main(["click", text, "--beats", Beats, "-o", output]));
        Assert.Equal(1, Program.Main(["click", Clip, "--beats", Beats, "--gain", "60", "-o", output]));
        Assert.Equal(1, Program.Main(["click", Clip, "--beats", Beats, "-o", Clip]));
        Assert.False(File.Exists(output));
    }
}
