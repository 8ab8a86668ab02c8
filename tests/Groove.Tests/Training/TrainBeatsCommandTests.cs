using Groove.Audio;
using Groove.Tests.Cli;
using Groove.Tests.Support;

namespace Groove.Tests.Training;

public sealed class TrainBeatsCommandTests
{
    /// <summary>A render-like folder: train/ and validation/ dataset folders of 6-s click tracks with their beats.</summary>
    private static string ClickCorpus(TempDir tmp)
    {
        var root = tmp.File("corpus");
        foreach (var (split, bpm) in new[] { ("train", 100.0), ("train", 130.0), ("validation", 115.0) })
        {
            Directory.CreateDirectory(Path.Combine(root, split, "audio"));
            Directory.CreateDirectory(Path.Combine(root, split, "beats"));
            var name = $"c{bpm:F0}";
            WavWriter.Write(Path.Combine(root, split, "audio", name + ".wav"), AudioBuffer.FromMono(Signals.ClickTrack(bpm, 6), 22050));
            // Signals.ClickTrack: first click at 0.1 s, accent every 4.
            var lines = Enumerable.Range(0, (int)(5.9 * bpm / 60)).Select(k =>
                FormattableString.Invariant($"{0.1 + k * 60 / bpm:F4}\t{k % 4 + 1}"));
            File.WriteAllLines(Path.Combine(root, split, "beats", name + ".beats"), lines);
        }
        return root;
    }

    [Fact]
    public void Trains_validates_keeps_the_best_refuses_to_overwrite_and_resumes()
    {
        using var tmp = new TempDir();
        var data = ClickCorpus(tmp);
        var run = tmp.File("run");
        string[] common = ["train", "beats", "--data", data, "--out", run, "--batch", "2", "--excerpt-seconds", "2", "--layers", "3",
            "--width", "4", "--validate-every", "2", "--checkpoint-every", "2"];
        var first = CliProcess.Run([.. common, "--steps", "2"]);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("2 training clips", first.Stderr);
        Assert.Contains("validation at step 2: beat F", first.Stderr);
        Assert.True(File.Exists(Path.Combine(run, "best.safetensors")));
        Assert.True(File.Exists(Path.Combine(run, "beat-net.safetensors")));

        var again = CliProcess.Run([.. common, "--steps", "4"]);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("pass --resume", again.Stderr);

        var resumed = CliProcess.Run([.. common, "--steps", "4", "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("resuming at step 2", resumed.Stderr);
        Assert.Contains("finished at step 4", resumed.Stderr);

        var beats = CliProcess.Run(["beats", "--model", Path.Combine(run, "best.safetensors"), Path.Combine(data, "validation", "audio", "c115.wav")]);
        Assert.True(beats.ExitCode == 0, beats.Stderr);
    }

    [Fact]
    public void Unknown_model_and_init_get_one_line_errors()
    {
        using var tmp = new TempDir();
        var r = CliProcess.Run(["train", "beats", "--data", tmp.Path, "--out", tmp.File("run"), "--model", "lstm"]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--model must be tcn or gru", r.Stderr);
        var z = CliProcess.Run(["train", "beats", "--data", tmp.Path, "--out", tmp.File("run"), "--init", "imagenet"]);
        Assert.NotEqual(0, z.ExitCode);
        Assert.Contains("unknown --init 'imagenet'", z.Stderr);
        Assert.DoesNotContain("   at ", z.Stderr);
        var f = CliProcess.Run(["train", "beats", "--data", tmp.Path, "--out", tmp.File("run"), "--freeze-front-end"]);
        Assert.NotEqual(0, f.ExitCode);
        Assert.Contains("--freeze-front-end needs --input zerons", f.Stderr);
        var m = CliProcess.Run(["train", "beats", "--data", tmp.Path, "--out", tmp.File("run"), "--init", "zerons", "--input", "mel"]);
        Assert.NotEqual(0, m.ExitCode);
        Assert.Contains("--init zerons needs --input zerons", m.Stderr);
    }
}
