using Groove.Audio;
using Groove.Cli;
using Groove.Nn;
using Groove.Tests.Support;
using Groove.Tonality;
using Groove.Tonality.Stone;

namespace Groove.Tests.Training;

[Collection("Console")]
public class TrainStoneCommandTests
{
    [Fact]
    public void TrainsWritesWeightsRefusesToOverwriteAndResumes()
    {
        using var tmp = new TempDir();
        var music = Directory.CreateDirectory(tmp.File("music")).FullName;
        WavWriter.Write(Path.Combine(music, "c.wav"), AudioBuffer.FromMono(SyntheticCadence.Render(0, KeyMode.Major, secondsPerChord: 0.5), 22050));
        WavWriter.Write(Path.Combine(music, "e.wav"), AudioBuffer.FromMono(SyntheticCadence.Render(4, KeyMode.Minor, secondsPerChord: 0.5), 22050));
        var run = tmp.File("run");
        string[] args = ["train", "stone", "--data", music, "--out", run, "--batch", "2", "--excerpt-seconds", "0.5", "--width", "4",
            "--cache", tmp.File("cache"), "--checkpoint-every", "1"];

        Assert.Equal(0, Program.Main([.. args, "--steps", "2"]));
        var model = StoneModel.Load(Path.Combine(run, "stone.safetensors"));
        Assert.Equal(4, model.Net.Config.Width);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, "log.tsv")).Length - 1);

        // An existing run is not silently restarted…
        Assert.Equal(1, Program.Main([.. args, "--steps", "3"]));
        // …but continues with --resume.
        Assert.Equal(0, Program.Main([.. args, "--steps", "3", "--resume"]));
        var (_, meta) = SafeTensors.Load(Path.Combine(run, "checkpoint.safetensors"));
        Assert.Equal("3", meta["optimizer_step"]);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "log.tsv")).Length - 1);

        Assert.Equal(1, Program.Main(["train", "stone", "--data", tmp.File("nowhere"), "--out", tmp.File("run2")]));
    }

    [Fact]
    public void ListFilesNameTracksRelativeToTheirFolder()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("list.txt"), "# tracks\na/x.ogg\n\n/abs/y.wav\n");
        Assert.Equal([Path.Combine(tmp.Path, "a", "x.ogg"), "/abs/y.wav"], Groove.IO.AudioFileNames.Find(tmp.File("list.txt")));
        Assert.Throws<GrooveException>(() => Groove.IO.AudioFileNames.Find(tmp.File("missing")));
    }
}
