using Groove.Evaluation.Beats;
using Groove.Rhythm;

namespace Groove.Tests.Evaluation;

/// <summary>
/// madmom-conventions metrics against the expected values in madmom's own test suite
/// (tests/test_evaluation_beats.py: ANNOTATIONS = 1..10 s, DETECTIONS = [1.01, 2, 2.95, 4, 6, 7, 8, 9.1, 10, 11]).
/// madmom's functions take (detections, annotations); ours take (annotations, detections).
/// </summary>
public class MadmomConventionsTests
{
    private static readonly double[] Annotations = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    private static readonly double[] Detections = [1.01, 2, 2.95, 4, 6, 7, 8, 9.1, 10, 11];
    private static readonly double[] DoubleAnnotations = [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10];
    private static readonly double[] TripleAnnotations =
    [
        1, 1.333333, 1.666667, 2, 2.333333, 2.666667, 3, 3.333333, 3.666667, 4, 4.333333, 4.666667, 5, 5.333333,
        5.666667, 6, 6.333333, 6.666667, 7, 7.333333, 7.666667, 8, 8.333333, 8.666667, 9, 9.333333, 9.666667, 10,
    ];

    [Fact]
    public void Full_evaluation_matches_madmom()
    {
        var s = BeatEvaluation.EvaluateTimes(Annotations, Detections, new BeatEvaluationOptions(BeatMetricConventions.Madmom));
        Assert.Equal(0.8, s[BeatEvaluation.FMeasure], 12);
        Assert.Equal(0.9, s[BeatEvaluation.PScore], 12);
        Assert.Equal(0.74710035298713695, s[BeatEvaluation.Cemgil], 12);
        Assert.Equal(1.0, s[BeatEvaluation.Goto]);
        Assert.Equal(0.4, s[BeatEvaluation.Cmlc], 12);
        Assert.Equal(0.8, s[BeatEvaluation.Cmlt], 12);
        Assert.Equal(0.4, s[BeatEvaluation.Amlc], 12);
        Assert.Equal(0.8, s[BeatEvaluation.Amlt], 12);
        Assert.Equal(3.965148445440323, s[BeatEvaluation.InformationGain], 12);
        Assert.False(s.TryGet(BeatEvaluation.CemgilBestMetricLevel, out _));
    }

    [Fact]
    public void Empty_sequences_score_perfectly_in_madmom_and_zero_in_mir_eval()
    {
        var madmom = BeatEvaluation.EvaluateTimes([], [], new BeatEvaluationOptions(BeatMetricConventions.Madmom));
        foreach (var (name, value) in madmom)
            Assert.Equal(name == BeatEvaluation.InformationGain ? Math.Log2(40) : 1.0, value, 12);
        var mirEval = BeatEvaluation.EvaluateTimes([], [], new BeatEvaluationOptions(BeatMetricConventions.MirEval));
        Assert.All(mirEval, kv => Assert.Equal(0.0, kv.Value));
    }

    public static TheoryData<double[], bool, bool, double[]> ContinuityCases()
    {
        double[] a = Annotations;
        double[] Every(int start, int stride) => a.Where((_, i) => i >= start && (i - start) % stride == 0).ToArray();
        return new TheoryData<double[], bool, bool, double[]>
        {
            { a, true, true, [0.4, 0.8, 0.4, 0.8] },
            { DoubleAnnotations, true, true, [0, 0, 0.4, 0.8] },
            { DoubleAnnotations, false, false, [0, 0, 0, 0] },
            { DoubleAnnotations, false, true, [0, 0, 0, 0] },
            { Every(0, 2), true, true, [0, 0, 0.4, 0.7] },
            { Every(0, 2), false, false, [0, 0, 0.1, 0.1] },
            { Every(1, 2), true, true, [0.1, 0.1, 0.4, 0.7] },
            { Every(1, 2), false, true, [0.1, 0.1, 0.1, 0.1] },
            { TripleAnnotations, true, true, [0, 0, 0.4, 0.8] },
            { TripleAnnotations, true, false, [0, 0, 0, 0] },
            { TripleAnnotations, false, true, [0, 0, 0.4, 0.8] },
            { Every(0, 3), true, true, [0, 0, 0.4, 0.8] },
            { Every(0, 3), true, false, [0, 0, 0, 0] },
            { Every(1, 3), false, true, [0, 0, 0.3, 0.5] },
            { Every(2, 3), true, true, [0, 0, 0.3, 0.5] },
        };
    }

    [Theory]
    [MemberData(nameof(ContinuityCases))]
    public void Continuity_matches_madmom_at_every_metrical_level(double[] annotations, bool doubleLevels, bool tripleLevels, double[] expected)
    {
        var c = MadmomBeatMetrics.Continuity(annotations, Detections, doubleAndHalf: doubleLevels, tripleAndThird: tripleLevels);
        Assert.Equal(expected[0], c.Cmlc, 12);
        Assert.Equal(expected[1], c.Cmlt, 12);
        Assert.Equal(expected[2], c.Amlc, 12);
        Assert.Equal(expected[3], c.Amlt, 12);
    }

    [Fact]
    public void Goto_matches_madmom_including_where_the_Matlab_code_fails()
    {
        Assert.Equal(0.0, MadmomBeatMetrics.Goto([1, 2, 3, 4, 5], [1], 0.175, 0.2, 0.2));
        Assert.Equal(1.0, MadmomBeatMetrics.Goto(Annotations, Detections, 0.175, 0.2, 0.2));
        double[] det = [0, 0.5, 1, 1.5, 2, 5, 6, 7, 8, 9];
        double[] ann = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        Assert.Equal(1.0, MadmomBeatMetrics.Goto(ann, det));
        Assert.Equal(1.0, MadmomBeatMetrics.Goto(det, ann));
    }

    [Fact]
    public void Information_gain_matches_madmom()
    {
        Assert.Equal(Math.Log2(4) - 0.46899559358928122, MadmomBeatMetrics.InformationGain(Annotations, Detections, 4), 12);
        Assert.Equal(2.8529325, MadmomBeatMetrics.InformationGain(Detections, [1.0, 2.0], 10), 1e-6);
        Assert.Equal(2.8529325, MadmomBeatMetrics.InformationGain([1.0, 2.0], Detections, 10), 1e-6);
        Assert.Equal(0.0, MadmomBeatMetrics.InformationGain(Annotations, [1.0], 4));
    }

    [Fact]
    public void Downbeat_F_measure_uses_only_the_downbeats()
    {
        Beat[] det = [new(0.9, 1), new(2, 2), new(3, 3), new(4, 4), new(5, 1)];
        Beat[] ann = [new(1, 1), new(2, 2), new(3, 3), new(4, 4), new(5, 1)];
        var madmom = BeatEvaluation.Evaluate(ann, det, new BeatEvaluationOptions(BeatMetricConventions.Madmom));
        Assert.Equal(0.8, madmom[BeatEvaluation.FMeasure], 12);          // madmom: tp = [2, 3, 4, 5]
        Assert.Equal(0.5, madmom[BeatEvaluation.DownbeatFMeasure], 12);  // madmom: tp = [5]
        var mirEval = BeatEvaluation.Evaluate(ann, det, new BeatEvaluationOptions(MinBeatTime: 0));
        Assert.Equal(0.5, mirEval[BeatEvaluation.DownbeatFMeasure], 12);
        // Without bar positions on one side there is no downbeat score.
        Beat[] plain = [new(1, 0), new(2, 0)];
        Assert.False(BeatEvaluation.Evaluate(ann, plain).TryGet(BeatEvaluation.DownbeatFMeasure, out _));
    }

    [Fact]
    public void Trimming_follows_each_conventions_boundary()
    {
        double[] beats = [4.0, 5.0, 6.0];
        Assert.Equal([5.0, 6.0], MirEvalBeatMetrics.Trim(beats, 5.0));   // mir_eval keeps beats ≥ 5 s
        Assert.Equal([6.0], MadmomBeatMetrics.Skip(beats, 5.0));         // madmom keeps beats > skip
        Assert.Equal(beats, MadmomBeatMetrics.Skip(beats, 0));
    }
}
