using Groove.Evaluation.Datasets;
using Groove.Evaluation.FewShot;
using Groove.Nn;
using Groove.Rhythm.Learned;
using Groove.Tests.Support;
using Xunit;
using Groove.IO.Datasets;

using Groove.Tests.Cli;

namespace Groove.Tests.Evaluation;

public class FewShotProtocolTests
{
    private static readonly BiGruBeatOptions Small = new() { Channels = 8, Hidden = 8, Layers = 1 };

    private static readonly Lazy<IReadOnlyList<FewShotTrack>> Gtzan = new(() =>
        FewShotData.Load(Dataset.Open(SharedData.Path("data", "dev", "gtzan20")), new BeatFeatures(), limit: 6));

    private static readonly FewShotOptions Tiny = new()
    {
        Sizes = [1, 2], Runs = 2, Seed = 42, TestCount = 2, ValidationCount = 1, Epochs = 2, StepsPerEpoch = 2,
        BatchSize = 2, ExcerptSeconds = 4, Patience = 2,
    };

    private static FewShotReport RunTiny(FewShotOptions? options = null) =>
        FewShotProtocol.Run(Gtzan.Value, seed => new BiGruBeatModel(seed, Small), "bigru", options ?? Tiny);

    [Fact]
    public void Splits_partition_the_tracks_and_training_sets_come_from_the_pool_only()
    {
        for (ulong seed = 0; seed < 20; seed++)
        {
            var split = FewShotSplit.Create(20, 6, 2, seed);
            var all = split.Test.Concat(split.Validation).Concat(split.Pool).OrderBy(i => i).ToList();
            Assert.Equal(Enumerable.Range(0, 20), all);
            Assert.Equal((6, 2, 12), (split.Test.Count, split.Validation.Count, split.Pool.Count));
            var train = split.SampleTraining(8, new Rng(seed));
            Assert.Equal(8, train.Distinct().Count());
            Assert.All(train, i => Assert.Contains(i, split.Pool));
        }
        Assert.NotEqual(FewShotSplit.Create(20, 6, 2, 1).Test, FewShotSplit.Create(20, 6, 2, 2).Test);
        Assert.Throws<GrooveException>(() => FewShotSplit.Create(5, 3, 2, 0));
        Assert.Throws<GrooveException>(() => FewShotSplit.Create(20, 6, 2, 0).SampleTraining(13, new Rng(0)));
    }

    [Fact]
    public void Protocol_is_deterministic_never_trains_on_test_tracks_and_reports_every_run()
    {
        var a = RunTiny();
        var b = RunTiny();
        Assert.Equal(4, a.Runs.Count);
        Assert.Equal(a.Runs.Select(r => (r.Size, r.Run, string.Join(";", r.TrainTracks), r.BestEpoch, r.Steps, r.ValidationF, r.TestF, r.TestCmlt, r.TestAmlt)),
            b.Runs.Select(r => (r.Size, r.Run, string.Join(";", r.TrainTracks), r.BestEpoch, r.Steps, r.ValidationF, r.TestF, r.TestCmlt, r.TestAmlt)));
        Assert.Equal(2, a.TestTracks.Count);
        Assert.Single(a.ValidationTracks);
        Assert.Equal(3, a.PoolTracks.Count);
        foreach (var r in a.Runs)
        {
            Assert.Equal(r.Size, r.TrainTracks.Count);
            Assert.All(r.TrainTracks, t => Assert.Contains(t, a.PoolTracks));
            Assert.Empty(r.TrainTracks.Intersect(a.TestTracks.Concat(a.ValidationTracks)));
            Assert.InRange(r.TestF, 0, 1);
            Assert.InRange(r.BestEpoch, 0, 2);
            Assert.True(r.Steps is >= 2 and <= 4, $"steps {r.Steps}");
        }

        var table = FewShotReportWriter.Table(a).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, table.Length);
        Assert.Matches(@"^\s+1\s+2\s+\d\.\d{3} ± \d\.\d{3}\s+\d\.\d{3} ± \d\.\d{3}\s+\d\.\d{3} ± \d\.\d{3}$", table[2]);
        Assert.Matches(@"^\s+2\s+2\s", table[3]);

        var csv = FewShotReportWriter.Csv(a).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(FewShotReportWriter.CsvHeader, csv[0]);
        Assert.Equal(5, csv.Length);
        Assert.All(csv.Skip(1), line => Assert.Equal(10, line.Split(',').Length));

        using var doc = System.Text.Json.JsonDocument.Parse(FewShotReportWriter.Json(a));
        Assert.Equal(4, doc.RootElement.GetProperty("runs").GetArrayLength());
        var summary = doc.RootElement.GetProperty("summary");
        Assert.Equal(2, summary.GetArrayLength());
        double mean = a.Runs.Where(r => r.Size == 1).Average(r => r.TestF);
        Assert.Equal(mean, summary[0].GetProperty("f_measure").GetProperty("mean").GetDouble(), 12);
    }

    [Fact]
    public void Size_zero_scores_the_model_without_training_and_other_seeds_draw_other_runs()
    {
        var zero = RunTiny(Tiny with { Sizes = [0], Runs = 1 });
        Assert.Equal((0, 0, 0), (zero.Runs[0].Steps, zero.Runs[0].BestEpoch, zero.Runs[0].TrainTracks.Count));
        var other = RunTiny(Tiny with { Seed = 43, Sizes = [2], Runs = 1, Epochs = 1 });
        Assert.Equal(2, other.Runs[0].TrainTracks.Count);
        Assert.Throws<GrooveException>(() => RunTiny(Tiny with { Sizes = [4] }));
    }

    [Fact]
    public void Pretrained_weights_are_the_starting_point_of_every_run()
    {
        using var dir = new TempDir();
        var path = dir.File("pre.safetensors");
        var pretrained = new BiGruBeatModel(99, Small);
        pretrained.Save(path);
        var factory = BeatActivationModels.Factory(path);
        var report = FewShotProtocol.Run(Gtzan.Value, factory, path, Tiny with { Sizes = [0], Runs = 2 });
        var test = report.TestTracks.Select(n => Gtzan.Value.Single(t => t.Name == n)).ToList();
        var expected = FewShotProtocol.Score(pretrained, test, new Groove.Rhythm.DbnBeatDecoder(50));
        Assert.All(report.Runs, r => Assert.Equal((expected.F, expected.Cmlt, expected.Amlt), (r.TestF, r.TestCmlt, r.TestAmlt)));
    }

    [Fact]
    public void Cli_rejects_bad_sizes_and_models_with_one_line()
    {
        var gtzan = SharedData.Path("data", "dev", "gtzan20");
        var r = CliProcess.Run("eval", "few-shot", "--dataset", gtzan, "--sizes", "1,x");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--sizes: 'x'", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        var m = CliProcess.Run("eval", "few-shot", "--dataset", gtzan, "--model", "nope");
        Assert.NotEqual(0, m.ExitCode);
        Assert.Contains("unknown model 'nope'", m.Stderr);
    }

    [Fact]
    public void Cli_writes_the_table_csv_and_json()
    {
        using var dir = new TempDir();
        var r = CliProcess.Run("eval", "few-shot", "--dataset", SharedData.Path("data", "dev", "gtzan20"), "--limit", "5",
            "--test", "2", "--val", "1", "--sizes", "1", "--runs", "1", "--epochs", "1", "--steps", "1", "--batch", "1",
            "--excerpt", "3", "--csv", dir.File("runs.csv"), "--json-out", dir.File("runs.json"), "--save-dir", dir.File("models"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("F-measure", r.Stdout);
        Assert.StartsWith(FewShotReportWriter.CsvHeader, File.ReadAllText(dir.File("runs.csv")));
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("runs.json")));
        Assert.Equal(1, doc.RootElement.GetProperty("runs").GetArrayLength());

        // The saved run model is a beat tracker for `groove beats --model` and a starting point for fine-tuning.
        var saved = Path.Combine(dir.File("models"), "k1-run0.safetensors");
        var beats = CliProcess.Run("beats", "--model", saved, SharedData.Path("data", "dev", "gtzan20", "audio", "gtzan_disco_00000.wav"));
        Assert.True(beats.ExitCode == 0, beats.Stderr);
        Assert.True(beats.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 10, beats.Stdout);
        var tuned = CliProcess.Run("eval", "few-shot", "--dataset", SharedData.Path("data", "dev", "gtzan20"), "--limit", "5",
            "--test", "2", "--val", "1", "--sizes", "0", "--runs", "1", "--model", saved, "--json");
        Assert.True(tuned.ExitCode == 0, tuned.Stderr);
        using var tunedDoc = System.Text.Json.JsonDocument.Parse(tuned.Stdout);
        Assert.Equal(saved, tunedDoc.RootElement.GetProperty("model").GetString());
    }
}
