using Groove.Audio;
using Groove.Cli;
using Groove.Nn;
using Groove.Rhythm.ZeroNoteSamba;
using Groove.Tests.Support;

using Groove.Tests.Cli;

namespace Groove.Tests.Rhythm.ZeroNoteSamba;

[Collection("Console")]
public class ZeroNsCliTests
{
    [Fact]
    public void TrainsKeepsTheBestModelRefusesToOverwriteAndResumes()
    {
        using var tmp = new TempDir();
        var music = Directory.CreateDirectory(tmp.File("music")).FullName;
        // Twelve names so that the hash-based 10 % hold-back almost surely has one (checked below either way).
        for (int i = 0; i < 12; i++)
        {
            var parts = ZeroNsSynthetic.Parts(11.5, 0.4 + 0.02 * i, 0.05, new Rng((ulong)i + 1));
            var mix = parts.Percussive.Zip(parts.NonPercussive, (a, b) => 0.5f * (a + b)).ToArray();
            WavWriter.Write(Path.Combine(music, $"t{i}.wav"), AudioBuffer.FromMono(mix, ZeroNsFrontEnd.SampleRate));
        }
        var run = tmp.File("run");
        string[] args = ["train", "zerons", "--data", music, "--out", run, "--cache", tmp.File("cache"), "--windows", "2",
            "--excerpts-per-file", "1", "--checkpoint-every", "1", "--validate-every", "1", "--val-batches", "1", "--val-percent", "30",
            "--phase-anchor", "0.5", "--snapshot-every", "1"];
        Assert.Equal(0, Program.Main([.. args, "--steps", "1"]));
        Assert.True(File.Exists(Path.Combine(run, "last.safetensors")));
        Assert.True(File.Exists(Path.Combine(run, "best.safetensors")));
        Assert.Equal("small", ZeroNsModel.Load(Path.Combine(run, "best.safetensors")).Net.Config.Name);

        Assert.Equal(1, Program.Main([.. args, "--steps", "2"]));            // an existing run is not restarted…
        Assert.Equal(0, Program.Main([.. args, "--steps", "2", "--resume"])); // …but continued
        var (_, meta) = SafeTensors.Load(Path.Combine(run, "checkpoint.safetensors"));
        Assert.Equal("2", meta["optimizer_step"]);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, "log.tsv")).Length - 1);
        Assert.Equal(["step000001.safetensors", "step000002.safetensors"],
            Directory.GetFiles(Path.Combine(run, "snapshots")).Select(f => Path.GetFileName(f)!).Order().ToArray());
        var validation = File.ReadAllLines(Path.Combine(run, "validation.tsv"));
        Assert.Equal("step\tloss\tcos_pos\tcos_neg\tsynchrony\tanchor\tlag", validation[0]);
        Assert.Equal(["0", "1", "2"], validation.Skip(1).Select(l => l.Split('\t')[0]).ToArray());

        // --score re-measures saved weights on the same held-back batches: the best model's logged validation row.
        var best = ZeroNsModel.Load(Path.Combine(run, "best.safetensors")).Metadata["train.validation_loss"];
        using var stdout = new StringWriter();
        var saved = Console.Out;
        Console.SetOut(stdout);
        try { Assert.Equal(0, Program.Main([.. args, "--score", Path.Combine(run, "best.safetensors")])); }
        finally { Console.SetOut(saved); }
        var objective = stdout.ToString().Split('\t').Single(f => f.StartsWith("objective ", StringComparison.Ordinal))[10..];
        // Printed with 4 decimals; the same batches in evaluation mode give the same value up to that rounding.
        Assert.Equal(double.Parse(best, System.Globalization.CultureInfo.InvariantCulture),
            double.Parse(objective, System.Globalization.CultureInfo.InvariantCulture), 3);
    }

    [Theory]
    [InlineData("train", "zerons", "--data", "/nonexistent/music")]
    [InlineData("train", "zerons", "--data", "/tmp", "--size", "huge")]
    [InlineData("train", "zerons", "--data", "/tmp", "--phase-anchor", "-1")]
    [InlineData("train", "zerons", "--data", "/tmp", "--score", "/nonexistent/w.safetensors")]
    [InlineData("measures", "/nonexistent/file.wav")]
    [InlineData("measures", "/nonexistent/file.wav", "--model", "nosuchmodel")]
    public void BadInputGivesOneLineError(params string[] args)
    {
        var (code, _, stderr) = CliProcess.Run(args);
        Assert.NotEqual(0, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void MeasuresPrintsOneRowPerFile()
    {
        using var tmp = new TempDir();
        WavWriter.Write(tmp.File("clicks.wav"), AudioBuffer.FromMono(Signals.ClickTrack(120, 6), 22050));
        var (code, stdout, _) = CliProcess.Run("measures", tmp.File("clicks.wav"));
        Assert.Equal(0, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("file\tl2/l1\tgini\tkurtosis\tentropy\tmax_acf", lines[0]);
        var row = lines[1].Split('\t');
        Assert.Equal("clicks.wav", row[0]);
        // The classical onset activation of a click track is periodic.
        Assert.True(double.Parse(row[5], System.Globalization.CultureInfo.InvariantCulture) > 0.5, lines[1]);
    }
}
