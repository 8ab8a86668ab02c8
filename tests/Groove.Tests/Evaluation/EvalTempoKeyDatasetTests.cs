using System.Globalization;
using System.Text.Json;
using Groove.IO.Annotations;
using Groove.Tests.Support;
using Groove.Tonality;

using Groove.Tests.Cli;

namespace Groove.Tests.Evaluation;

/// <summary><c>groove eval tempo|key --dataset</c> on gtzan20's annotations with constructed estimate folders.</summary>
public class EvalTempoKeyDatasetTests
{
    private static readonly string Gtzan = SharedData.Path("data", "dev", "gtzan20");

    [Fact]
    public void Doubled_tempi_fail_accuracy_1_and_pass_accuracy_2()
    {
        using var dir = new TempDir();
        var est = Directory.CreateDirectory(dir.File("doubled")).FullName;
        foreach (var f in Directory.GetFiles(Path.Combine(Gtzan, "tempo")))
        {
            var t = TempoAnnotations.Read(f).Tempo1;
            File.WriteAllText(Path.Combine(est, Path.GetFileName(f)), (2 * t).ToString("R", CultureInfo.InvariantCulture));
        }
        var r = CliProcess.Run("eval", "tempo", "--dataset", Gtzan, "--est-dir", est, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var scores = doc.RootElement.GetProperty("doubled");
        Assert.Equal(0.0, scores.GetProperty("Accuracy 1").GetProperty("mean").GetDouble());
        Assert.Equal(1.0, scores.GetProperty("Accuracy 2").GetProperty("mean").GetDouble());
        Assert.Equal(20, scores.GetProperty("Accuracy 2").GetProperty("n").GetInt32());
        Assert.Equal(0.0, scores.GetProperty("P-score").GetProperty("mean").GetDouble());
    }

    [Fact]
    public void Key_dataset_skips_references_without_a_key_and_averages_the_weighted_score()
    {
        using var dir = new TempDir();
        var est = Directory.CreateDirectory(dir.File("est")).FullName;
        int withKey = 0;
        double expectedSum = 0;
        foreach (var f in Directory.GetFiles(Path.Combine(Gtzan, "key")).Order())
        {
            var reference = KeyAnnotations.Read(f);
            if (reference is not { } k) continue;
            // Alternate: the right key (1.0), then its relative key (0.3), written in text form.
            var estimate = withKey % 2 == 0 ? k
                : k.Mode == KeyMode.Major ? new MusicalKey((k.Tonic + 9) % 12, KeyMode.Minor) : new MusicalKey((k.Tonic + 3) % 12, KeyMode.Major);
            expectedSum += withKey % 2 == 0 ? 1.0 : 0.3;
            withKey++;
            File.WriteAllText(Path.Combine(est, Path.GetFileNameWithoutExtension(f) + ".key"), estimate.ToString() + "\n");
        }
        Assert.Equal(17, withKey); // gtzan20 has 3 tracks annotated −1 (no key)
        var r = CliProcess.Run("eval", "key", "--dataset", Gtzan, "--est-dir", est, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("3 track(s) whose reference says there is no key", r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var scores = doc.RootElement.GetProperty("est");
        Assert.Equal(expectedSum / withKey, scores.GetProperty("Weighted Score").GetProperty("mean").GetDouble(), 12);
        Assert.Equal((withKey + 1) / 2 / (double)withKey, scores.GetProperty("Correct").GetProperty("mean").GetDouble(), 12);
        Assert.Equal(1.0, scores.GetProperty("Key Signature Correct").GetProperty("mean").GetDouble(), 12);
    }
}
