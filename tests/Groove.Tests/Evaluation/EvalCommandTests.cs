using System.Globalization;
using System.Text.Json;
using Groove.Tests.Support;

using Groove.Tests.Cli;

namespace Groove.Tests.Evaluation;

/// <summary>The <c>groove eval</c> command end to end, as a process.</summary>
public class EvalCommandTests
{
    private static readonly string MirEval = SharedData.Path("conformance", "mir_eval");
    private static readonly string Hainsworth = SharedData.Path("conformance", "dbn", "hainsworth");

    [Fact]
    public void Beats_json_has_mir_evals_names_and_values()
    {
        var r = CliProcess.Run("eval", "beats", "--ref", Path.Combine(MirEval, "beat", "ref03.txt"), "--est", Path.Combine(MirEval, "beat", "est03.txt"), "--json");
        Assert.Equal(0, r.ExitCode);
        var actual = JsonSerializer.Deserialize<Dictionary<string, double>>(r.Stdout)!;
        var expected = JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(Path.Combine(MirEval, "beat", "output03.json")))!;
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (k, v) in expected) Assert.Equal(v, actual[k], 1e-6);
    }

    [Fact]
    public void Tempo_and_key_print_their_metrics()
    {
        var tempo = CliProcess.Run("eval", "tempo", "--ref", Path.Combine(MirEval, "tempo", "ref00.lab"), "--est", Path.Combine(MirEval, "tempo", "est00.lab"), "--json");
        Assert.Equal(0, tempo.ExitCode);
        using (var doc = JsonDocument.Parse(tempo.Stdout))
        {
            Assert.Equal(0.75, doc.RootElement.GetProperty("P-score").GetDouble());
            Assert.True(doc.RootElement.GetProperty("One-correct").GetBoolean());
            Assert.False(doc.RootElement.GetProperty("Both-correct").GetBoolean());
        }
        // G major reference, C major estimate: a fifth below counts 0.5 by default (MIREX) and 0 with --fifths up (mir_eval).
        var both = CliProcess.Run("eval", "key", "--ref", Path.Combine(MirEval, "key", "ref08.txt"), "--est", Path.Combine(MirEval, "key", "est08.txt"));
        Assert.Equal(0, both.ExitCode);
        Assert.Matches(@"Weighted Score\s+0\.500000", both.Stdout);
        var up = CliProcess.Run("eval", "key", "--ref", Path.Combine(MirEval, "key", "ref08.txt"), "--est", Path.Combine(MirEval, "key", "est08.txt"), "--fifths", "up");
        Assert.Matches(@"Weighted Score\s+0\.000000", up.Stdout);
    }

    [Fact]
    public void Dataset_CSV_matches_mir_eval_for_all_222_Hainsworth_tracks_and_the_report_plots_them()
    {
        using var dir = new TempDir();
        var csv = dir.File("scores.csv");
        var html = dir.File("report.html");
        var r = CliProcess.Run("eval", "beats", "--dataset", Path.Combine(Hainsworth, "annotations"),
            "--est-dir", Path.Combine(Hainsworth, "detections", "multi_task"), "--csv", csv, "--report", html);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("multi_task", r.Stdout);
        Assert.Contains("0.879 ± 0.214", r.Stdout); // mean F-measure ± std, as mir_eval gives it (fixture mean 0.8788)

        var expected = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, double>>>(
            File.ReadAllText(RepoPaths.Path("tests", "Groove.Tests", "Evaluation", "Fixtures", "hainsworth_dbn_mir_eval.json")))!;
        var lines = File.ReadAllLines(csv);
        var header = lines[0].Split(',');
        Assert.Equal(["estimator", "track"], header[..2]);
        Assert.Equal(expected.Count + 1, lines.Length);
        int compared = 0;
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            var want = expected[cells[1]];
            foreach (var (metric, value) in want)
            {
                double got = double.Parse(cells[Array.IndexOf(header, metric)], CultureInfo.InvariantCulture);
                Assert.True(Math.Abs(got - value) <= 1e-6, $"{cells[1]} {metric}: expected {value:R}, got {got:R}");
                compared++;
            }
        }
        Assert.Equal(2220, compared);

        var report = File.ReadAllText(html);
        Assert.Equal(222, CountOf(report, "<svg"));
        Assert.Contains("hainsworth_001", report);
    }

    [Fact]
    public void Harmonix_dataset_with_one_published_tracker_reproduces_its_F_measures_through_the_CLI()
    {
        var root = SharedData.Path("conformance", "harmonix");
        using var dir = new TempDir();
        var csv = dir.File("krebs.csv");
        var r = CliProcess.Run("eval", "beats", "--dataset", Path.Combine(root, "dataset"),
            "--est-dir", Path.Combine(root, "results", "beats", "Krebs"), "--no-trim", "--csv", csv);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var expected = File.ReadLines(Path.Combine(root, "results", "beats", "Krebs.csv")).Skip(1).Select(l => l.Split(','))
            .ToDictionary(c => c[3], c => double.Parse(c[1], CultureInfo.InvariantCulture));
        var rows = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(912, rows.Count);
        Assert.All(rows, c => Assert.Equal(expected[c[1]], double.Parse(c[2], CultureInfo.InvariantCulture), 1e-6));
    }

    [Fact]
    public void A_missing_estimate_is_reported_and_fails_the_run_without_losing_the_rest()
    {
        using var dir = new TempDir();
        var data = Directory.CreateDirectory(dir.File("data")).FullName;
        var beats = Directory.CreateDirectory(Path.Combine(data, "beats")).FullName;
        var est = Directory.CreateDirectory(dir.File("est")).FullName;
        foreach (var name in new[] { "hainsworth_001", "hainsworth_002", "hainsworth_003" })
            File.Copy(Path.Combine(Hainsworth, "annotations", "beats", name + ".beats"), Path.Combine(beats, name + ".beats"));
        foreach (var name in new[] { "hainsworth_001", "hainsworth_003" })
            File.Copy(Path.Combine(Hainsworth, "detections", "multi_task", name + ".beats.txt"), Path.Combine(est, name + ".beats.txt"));
        var csv = dir.File("out.csv");
        var r = CliProcess.Run("eval", "beats", "--dataset", data, "--est-dir", est, "--est-dir", Path.Combine(data, "beats"), "--csv", csv);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no beats estimate for hainsworth_002", r.Stderr);
        Assert.Contains("2 (1 failed)", r.Stdout);
        var rows = File.ReadAllLines(csv);
        Assert.Equal(7, rows.Length); // header + 2 estimators × 3 tracks
        Assert.Contains(rows, l => l.StartsWith("est,hainsworth_002,") && l.Contains("no beats estimate"));
        Assert.Contains(rows, l => l.StartsWith("beats,hainsworth_002,1,")); // the references scored against themselves
    }

    [Theory]
    [InlineData("eval", "beats", "--ref", "/nonexistent/ref.beats", "--est", "/nonexistent/est.beats")]
    [InlineData("eval", "beats")]
    [InlineData("eval", "beats", "--dataset", "/nonexistent")]
    [InlineData("eval", "tempo", "--ref", "/nonexistent/a.bpm", "--est", "/nonexistent/b.bpm")]
    public void Bad_input_gives_one_line_and_exit_code_1(params string[] args)
    {
        var r = CliProcess.Run(args);
        Assert.Equal(1, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("groove: error: ", lines[0]);
    }

    [Fact]
    public void Unknown_estimator_is_a_user_error()
    {
        var r = CliProcess.Run("eval", "beats", "--dataset", Path.Combine(Hainsworth, "annotations"), "--estimator", "no-such-tracker");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("unknown beat tracker 'no-such-tracker'", r.Stderr);
    }

    [Fact]
    public void Built_in_beat_trackers_run_over_a_dataset()
    {
        using var dir = new TempDir();
        var csv = dir.File("more3.csv");
        var r = CliProcess.Run("eval", "beats", "--dataset", SharedData.Path("data", "dev", "more3"), "--estimator", "classical", "--csv", csv);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var rows = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(["Media-105901", "hains001", "simac_01_H_mikri_Rallou"], rows.Select(c => c[1]));
        Assert.All(rows, c => Assert.Equal("classical", c[0]));
        Assert.All(rows, c => Assert.InRange(double.Parse(c[2], CultureInfo.InvariantCulture), 0.0, 1.0));
    }

    private static int CountOf(string s, string what)
    {
        int n = 0;
        for (int i = s.IndexOf(what, StringComparison.Ordinal); i >= 0; i = s.IndexOf(what, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}

public class EvalEstimatorLookupTests
{
    [Fact]
    public void Key_estimators_are_found_by_profile_name()
    {
        Assert.Equal("profile-albrecht", Groove.Cli.Commands.EvalCommand.ProfileKeyEstimatorByName("profile-albrecht").Name);
        Assert.Equal("profile-krumhansl", Groove.Cli.Commands.EvalCommand.ProfileKeyEstimatorByName("krumhansl").Name);
        var e = Assert.Throws<GrooveException>(() => Groove.Cli.Commands.EvalCommand.ProfileKeyEstimatorByName("nope"));
        Assert.Contains("profile-albrecht", e.Message);
        Assert.Contains(Groove.Tonality.KeyMethods.DefaultName, e.Message);
    }

    [Fact]
    public void The_default_key_method_is_an_estimator_that_eval_can_run_and_it_matches_groove_key()
    {
        var est = Groove.Cli.Commands.EvalCommand.ProfileKeyEstimatorByName(Groove.Tonality.KeyMethods.DefaultName);
        Assert.IsType<Groove.Tonality.Stone.StoneKeyEstimator>(est);
        var audio = Groove.AudioBuffer.FromMono(Groove.Tests.Tonality.ProfileKeyEstimatorTests.Cadence(7, Groove.KeyMode.Major), 22050);
        var viaEval = est.Estimate(audio);
        var viaAnalyzer = new Groove.Analysis.Analyzer(new Groove.Analysis.AnalysisOptions { Beats = false }).Analyze(audio).Key!.Global;
        Assert.Equal(viaAnalyzer.Key, viaEval.Key);
        Assert.Equal(viaAnalyzer.Confidence, viaEval.Confidence, 5);
        Assert.True(viaEval.ConfidenceCalibrated);
    }
}
