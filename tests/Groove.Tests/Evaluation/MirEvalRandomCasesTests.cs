using System.Text.Json;
using Groove.Evaluation.Beats;
using Groove.Tests.Support;

namespace Groove.Tests.Evaluation;

/// <summary>
/// 300 random beat-sequence pairs (short, empty, duplicated, off-beat, double/half tempo, unrelated), scored by
/// mir_eval 0.7 (Fixtures/make_mir_eval_random.py): every metric within 1e-6, trimmed at 5 s or not.
/// </summary>
public class MirEvalRandomCasesTests
{
    private sealed record Case(double[] Reference, double[] Estimate, bool Trim, Dictionary<string, double> Scores);

    [Fact]
    public void Every_metric_matches_mir_eval_on_random_cases()
    {
        var json = File.ReadAllText(RepoPaths.Path("tests", "Groove.Tests", "Evaluation", "Fixtures", "mir_eval_random_beats.json"));
        var cases = JsonSerializer.Deserialize<List<Case>>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        Assert.True(cases.Count >= 250);
        var failures = new List<string>();
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var scores = BeatEvaluation.EvaluateTimes(c.Reference, c.Estimate,
                new BeatEvaluationOptions(BeatMetricConventions.MirEval, MinBeatTime: c.Trim ? 5.0 : 0.0));
            foreach (var (name, expected) in c.Scores)
                if (!(Math.Abs(scores[name] - expected) <= 1e-6))
                    failures.Add($"case {i} ({c.Reference.Length} ref, {c.Estimate.Length} est, trim {c.Trim}) {name}: expected {expected:R}, got {scores[name]:R}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} mismatches:\n" + string.Join("\n", failures.Take(20)));
    }
}
