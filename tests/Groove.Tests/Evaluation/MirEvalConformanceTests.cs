using System.Text.Json;
using Groove.IO.Annotations;
using Groove.Evaluation.Beats;
using Groove.Evaluation.Key;
using Groove.Evaluation.Tempo;
using Groove.Tests.Support;

namespace Groove.Tests.Evaluation;

/// <summary>mir_eval's own regression vectors (shared/conformance/mir_eval): every score within 1e-6.</summary>
public class MirEvalConformanceTests
{
    private const double Tolerance = 1e-6;

    public static TheoryData<string> Cases(string task)
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(SharedData.Path("conformance", "mir_eval", task), "output*.json").Order())
            data.Add(Path.GetFileNameWithoutExtension(f)["output".Length..]);
        return data;
    }

    public static TheoryData<string> BeatCases() => Cases("beat");
    public static TheoryData<string> KeyCases() => Cases("key");
    public static TheoryData<string> TempoCases() => Cases("tempo");

    private static Dictionary<string, JsonElement> Expected(string task, string id) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(
            File.ReadAllText(SharedData.Path("conformance", "mir_eval", task, $"output{id}.json")))!;

    [Theory]
    [MemberData(nameof(BeatCases))]
    public void Beat_scores_match_mir_eval(string id)
    {
        var dir = SharedData.Path("conformance", "mir_eval", "beat");
        var reference = BeatAnnotations.ReadTimes(Path.Combine(dir, $"ref{id}.txt"));
        var estimate = BeatAnnotations.ReadTimes(Path.Combine(dir, $"est{id}.txt"));
        var scores = BeatEvaluation.EvaluateTimes(reference, estimate, new BeatEvaluationOptions(BeatMetricConventions.MirEval));
        var expected = Expected("beat", id);
        Assert.Equal(10, expected.Count);
        foreach (var (name, value) in expected)
            Assert.True(Math.Abs(scores[name] - value.GetDouble()) <= Tolerance,
                $"case {id}, {name}: expected {value.GetDouble():R}, got {scores[name]:R}");
    }

    [Theory]
    [MemberData(nameof(KeyCases))]
    public void Key_scores_match_mir_eval(string id)
    {
        var dir = SharedData.Path("conformance", "mir_eval", "key");
        var reference = KeyAnnotations.Read(Path.Combine(dir, $"ref{id}.txt"));
        var estimate = KeyAnnotations.Read(Path.Combine(dir, $"est{id}.txt"));
        // mir_eval's default counts only an estimate a fifth above the reference.
        var scores = KeyEvaluation.Evaluate(reference, estimate, allowDescendingFifths: false);
        var expected = Expected("key", id)["Weighted Score"].GetDouble();
        Assert.True(Math.Abs(scores[KeyEvaluation.WeightedScore] - expected) <= Tolerance, $"case {id}: expected {expected}, got {scores[KeyEvaluation.WeightedScore]}");
    }

    [Theory]
    [MemberData(nameof(TempoCases))]
    public void Tempo_scores_match_mir_eval(string id)
    {
        var dir = SharedData.Path("conformance", "mir_eval", "tempo");
        var reference = TempoAnnotations.Read(Path.Combine(dir, $"ref{id}.lab"));
        var estimate = TempoAnnotations.Read(Path.Combine(dir, $"est{id}.lab"));
        var scores = TempoEvaluation.Evaluate(reference, estimate);
        var expected = Expected("tempo", id);
        Assert.Equal(expected["P-score"].GetDouble(), scores[TempoEvaluation.PScore], Tolerance);
        Assert.Equal(expected["One-correct"].GetBoolean() ? 1.0 : 0.0, scores[TempoEvaluation.OneCorrect]);
        Assert.Equal(expected["Both-correct"].GetBoolean() ? 1.0 : 0.0, scores[TempoEvaluation.BothCorrect]);
    }

    [Theory]
    [InlineData("bad00.lab")] // two lines
    [InlineData("bad01.lab")] // weight −3
    [InlineData("bad02.lab")] // negative tempo
    public void Malformed_tempo_files_are_refused_with_one_line(string name)
    {
        var e = Assert.Throws<GrooveException>(() => TempoAnnotations.Read(SharedData.Path("conformance", "mir_eval", "tempo", name)));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(name, e.Message);
    }
}
