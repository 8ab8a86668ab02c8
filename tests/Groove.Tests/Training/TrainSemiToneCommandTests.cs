using System.Text.Json;
using Groove.Audio;
using Groove.Cli;
using Groove.Nn;
using Groove.Tests.Cli;
using Groove.Tests.Support;
using Groove.Tonality;
using Groove.Tonality.Stone;
using Groove.IO.Datasets;

namespace Groove.Tests.Training;

[Collection("Console")]
public class TrainSemiToneCommandTests
{
    /// <summary>A dataset folder: DIR/audio/&lt;name&gt;.wav and DIR/key/&lt;name&gt;.key.</summary>
    private static string Dataset(TempDir tmp, string name, params (int Tonic, KeyMode Mode, string Label)[] tracks)
    {
        var dir = tmp.File(name);
        Directory.CreateDirectory(Path.Combine(dir, "audio"));
        Directory.CreateDirectory(Path.Combine(dir, "key"));
        foreach (var (t, m, label) in tracks)
        {
            var id = $"{name}-{t}-{m}";
            WavWriter.Write(Path.Combine(dir, "audio", id + ".wav"), AudioBuffer.FromMono(SyntheticCadence.Render(t, m, secondsPerChord: 0.3), 22050));
            File.WriteAllText(Path.Combine(dir, "key", id + ".key"), label + "\n");
        }
        return dir;
    }

    [Fact]
    public void TrainsA24KeyModelFromLabelsThatTheKeyCommandUses()
    {
        using var tmp = new TempDir();
        var keyed = Dataset(tmp, "keyed", (0, KeyMode.Major, "C major"), (9, KeyMode.Minor, "A minor"), (4, KeyMode.Minor, "E:min"));
        var run = tmp.File("run");
        string[] common = ["--batch", "2", "--excerpt-seconds", "0.5", "--width", "4", "--cache", tmp.File("cache"), "--checkpoint-every", "1"];

        // sup-TONE: labels only.
        Assert.Equal(0, Program.Main(["train", "stone", "--modes", "2", "--labelled", keyed, "--out", run, "--steps", "2", .. common]));
        var model = StoneModel.Load(Path.Combine(run, "stone.safetensors"));
        Assert.Equal(2, model.Net.Config.Modes);
        Assert.Equal(0, model.CalibrationOffset);
        Assert.Equal("0", model.Metadata["train.label_offset"]);
        Assert.Equal(0, Program.Main(["train", "stone", "--modes", "2", "--labelled", keyed, "--out", run, "--steps", "3", "--resume", .. common]));
        Assert.Equal("3", SafeTensors.Load(Path.Combine(run, "checkpoint.safetensors")).Metadata["optimizer_step"]);

        // groove key reads its 24 outputs.
        var est = tmp.File("est");
        Assert.Equal(0, Program.Main(["key", Path.Combine(keyed, "audio", "keyed-0-Major.wav"), "--model", Path.Combine(run, "stone.safetensors"), "--json", "--out", est]));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(est, "keyed-0-Major.key.json")));
        var probabilities = json.RootElement.GetProperty("probabilities").EnumerateObject().Select(p => p.Value.GetDouble()).ToList();
        Assert.Equal(24, probabilities.Count);
        Assert.Equal(1, probabilities.Sum(), 2);

        // Semi-TONE started from the shipped 12-output model: its trunk and class convention are kept.
        var music = Directory.CreateDirectory(tmp.File("music")).FullName;
        WavWriter.Write(Path.Combine(music, "d.wav"), AudioBuffer.FromMono(SyntheticCadence.Render(2, KeyMode.Major, secondsPerChord: 0.3), 22050));
        var semi = tmp.File("semi");
        Assert.Equal(0, Program.Main(["train", "stone", "--modes", "2", "--data", music, "--labelled", keyed, "--labelled", Dataset(tmp, "more", (7, KeyMode.Major, "G")),
            "--init", "stone-small", "--out", semi, "--steps", "1", "--labelled-batch", "3", .. common]));
        var fine = StoneModel.Load(Path.Combine(semi, "stone.safetensors"));
        var small = StoneModel.Load(RepoPaths.Path("models", "stone-small.safetensors"));
        Assert.Equal(small.Net.Config with { Modes = 2 }, fine.Net.Config);
        Assert.Equal(small.CalibrationOffset, fine.CalibrationOffset);
        Assert.Equal("3", fine.Metadata["train.labelled_batch"]);
    }

    [Fact]
    public void BadArgumentsAndLabelledFoldersGiveOneLineErrors()
    {
        using var tmp = new TempDir();
        var noKeys = tmp.File("nokeys");
        Directory.CreateDirectory(Path.Combine(noKeys, "audio"));
        WavWriter.Write(Path.Combine(noKeys, "audio", "a.wav"), AudioBuffer.FromMono(SyntheticCadence.Render(0, KeyMode.Major, secondsPerChord: 0.3), 22050));
        var badKey = Dataset(tmp, "badkey", (0, KeyMode.Major, "H dur-ish"));
        var cases = new (string[] Args, string Expect)[]
        {
            (["train", "stone", "--out", tmp.File("r1")], "--labelled"),
            (["train", "stone", "--labelled", noKeys, "--out", tmp.File("r2")], "no key annotations"),
            (["train", "stone", "--labelled", badKey, "--out", tmp.File("r3")], "is not a key"),
            (["train", "stone", "--labelled", tmp.File("missing"), "--out", tmp.File("r4")], "no such folder"),
            (["train", "stone", "--modes", "3", "--labelled", badKey, "--out", tmp.File("r5")], "--modes"),
            (["train", "stone", "--modes", "2", "--labelled", Dataset(tmp, "ok", (0, KeyMode.Major, "C")), "--init", tmp.File("none.safetensors"), "--out", tmp.File("r6")], "no such model"),
        };
        foreach (var (args, expect) in cases)
        {
            var r = CliProcess.Run([.. args, "--cache", tmp.File("cache")]);
            Assert.NotEqual(0, r.ExitCode);
            Assert.Single(r.StderrLines);
            Assert.Contains(expect, r.Stderr);
        }
    }
}
