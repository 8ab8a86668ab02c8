using Groove.Audio;
using Groove.Tests.Dsp;
using Groove.Tonality;

namespace Groove.Tests.Tonality;

public class KeyScoreCombinationTests
{
    private const int Sr = 22050;

    [Fact]
    public void ZNormaliseGivesZeroMeanAndUnitPopulationStd()
    {
        var z = new double[4];
        KeyScoreCombination.ZNormalise([1, 2, 3, 4], z);
        // mean 2.5, population std √1.25
        double s = Math.Sqrt(1.25);
        // a handful of double operations: 1e-12 is far above their rounding and far below any real error
        Assert.Equal(-1.5 / s, z[0], 1e-12);
        Assert.Equal(-0.5 / s, z[1], 1e-12);
        Assert.Equal(0.5 / s, z[2], 1e-12);
        Assert.Equal(1.5 / s, z[3], 1e-12);
        Assert.Equal(0, z.Average(), 1e-12);
        Assert.Equal(1, Math.Sqrt(z.Average(v => v * v)), 1e-12);
    }

    [Fact]
    public void EqualOrBrokenScoresGiveZeros()
    {
        var z = new double[3];
        KeyScoreCombination.ZNormalise([0.7, 0.7, 0.7], z);
        Assert.All(z, v => Assert.Equal(0, v));
        z[0] = 5;
        KeyScoreCombination.ZNormalise([0.1, double.NaN, 0.3], z);
        Assert.All(z, v => Assert.Equal(0, v));
        Assert.Throws<ArgumentException>(() => KeyScoreCombination.ZNormalise([1, 2], z));
    }

    [Fact]
    public void TheSumDoesNotDependOnEachMethodsScale()
    {
        var rng = new Random(17);
        var a = Enumerable.Range(0, 24).Select(_ => rng.NextDouble()).ToArray();
        var b = Enumerable.Range(0, 24).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var sum = KeyScoreCombination.SumOfZScores(a, b);
        var rescaled = KeyScoreCombination.SumOfZScores(a.Select(v => 0.01 * v - 3).ToArray(), b.Select(v => 250 * v + 7).ToArray());
        Assert.Equal(24, sum.Length);
        // an affine map changes only rounding in the z-scores: 1e-9 allows for it
        for (int i = 0; i < 24; i++) Assert.Equal(sum[i], rescaled[i], 1e-9);
        Assert.Equal(0, sum.Sum(), 1e-9);
        Assert.Throws<ArgumentException>(() => KeyScoreCombination.SumOfZScores(new double[12], b));
    }

    [Fact]
    public void AStrongPreferenceOutweighsANarrowOne()
    {
        // Method a barely prefers C major (index 0) over G major (7); method b clearly prefers G major.
        var a = new double[24];
        var b = new double[24];
        a[0] = 1.00; a[7] = 0.99;
        b[7] = 1.00; b[0] = 0.20;
        var sum = KeyScoreCombination.SumOfZScores(a, b);
        var k = KeyScoreCombination.Estimate(sum);
        Assert.Equal(new MusicalKey(7, KeyMode.Major), k.Key);
        // the z-sums by hand: a has mean 1.99/24, b has mean 1.2/24
        double ma = 1.99 / 24, mb = 1.2 / 24;
        double sa = Math.Sqrt((Math.Pow(1 - ma, 2) + Math.Pow(0.99 - ma, 2) + 22 * ma * ma) / 24);
        double sb = Math.Sqrt((Math.Pow(1 - mb, 2) + Math.Pow(0.2 - mb, 2) + 22 * mb * mb) / 24);
        Assert.Equal((0.99 - ma) / sa + (1 - mb) / sb, sum[7], 1e-9);
        Assert.Equal((1 - ma) / sa + (0.2 - mb) / sb, sum[0], 1e-9);
        // probabilities: a softmax (float, so 1e-5)
        Assert.Equal(1, k.Scores.Sum(), 1e-5);
        Assert.Equal(k.Scores.Max(), (float)k.Confidence, 6);
    }

    private static AudioBuffer Cadence(int tonic, KeyMode mode)
    {
        // I–IV–V–I (minor: i–iv–V–i, harmonic minor) with bass, 1 s per chord
        int[][] chords = mode == KeyMode.Major
            ? [[0, 4, 7], [5, 9, 12], [7, 11, 14], [0, 4, 7]]
            : [[0, 3, 7], [5, 8, 12], [7, 11, 14], [0, 3, 7]];
        var y = new List<float>();
        foreach (var c in chords)
            y.AddRange(ChromagramTests.Chord(c.Select(i => (double)(60 + tonic + i)).Append(48 + tonic + c[0]).ToArray(), 1.0, Sr));
        return AudioBuffer.FromMono(y.ToArray(), Sr);
    }

    [Theory]
    [InlineData("cqt+hpcp", 0, KeyMode.Major)]
    [InlineData("cqt+hpcp", 9, KeyMode.Minor)]
    [InlineData("cqt+essentia", 0, KeyMode.Major)]
    [InlineData("cqt+essentia", 9, KeyMode.Minor)]
    public void CombinationsFindTheKeyOfACadenceAndAgreeWithTheBenchPath(string method, int tonic, KeyMode mode)
    {
        var options = KeyMethods.Find(method)!;
        Assert.NotNull(options.CombineWith);
        var audio = Cadence(tonic, mode);
        var est = new ProfileKeyEstimator(options);
        var analysis = est.Analyze(audio);
        Assert.Equal(new MusicalKey(tonic, mode), analysis.Global.Key);
        Assert.Equal(24, analysis.Global.Scores.Length);
        Assert.NotEmpty(analysis.Local);
        Assert.True(analysis.Local[^1].End >= 3.9);

        // What key-selection scores (two cached mean chromas) is what groove key computes.
        var first = est.ChromaOf(audio).Chroma.Mean();
        var second = new ProfileKeyEstimator(options.CombineWith!).ChromaOf(audio).Chroma.Mean();
        var fromMeans = est.FromMeanChromas(first, second);
        Assert.Equal(analysis.Global.Key, fromMeans.Key);
        Assert.Equal(analysis.Global.Scores, fromMeans.Scores);

        // ... and is the z-sum of the two methods' own key scores
        var expected = KeyScoreCombination.SumOfZScores(est.KeyScores(first), new ProfileKeyEstimator(options.CombineWith!).KeyScores(second));
        Assert.Equal(MusicalKey.FromIndex(Array.IndexOf(expected, expected.Max())), fromMeans.Key);
    }

    [Fact]
    public void ACombinationIsUncalibratedUnlessGivenACalibrationOfItsOwn()
    {
        var audio = Cadence(7, KeyMode.Major);
        var options = KeyMethods.Find("cqt+hpcp")!;
        Assert.Null(options.Calibration);
        var plain = new ProfileKeyEstimator(options).Estimate(audio);
        Assert.False(plain.ConfidenceCalibrated);

        var cal = new KeyConfidenceCalibration(-1, 2);
        var est = new ProfileKeyEstimator(options with { Calibration = cal });
        var k = est.Estimate(audio);
        Assert.True(k.ConfidenceCalibrated);
        Assert.Equal(plain.Key, k.Key);
        // the calibration maps the margin of the summed z-scores
        var second = new ProfileKeyEstimator(options.CombineWith!);
        var sum = KeyScoreCombination.SumOfZScores(est.KeyScores(est.ChromaOf(audio).Chroma.Mean()), second.KeyScores(second.ChromaOf(audio).Chroma.Mean()));
        Assert.Equal(cal.Probability(KeyConfidenceCalibration.Margin(sum)), k.Confidence, 12);
    }

    [Fact]
    public void AnEstimatorWithoutASecondMethodRefusesTwoChromas() =>
        Assert.Throws<InvalidOperationException>(() => new ProfileKeyEstimator().FromMeanChromas(new float[12], new float[12]));

    [Fact]
    public void SilenceGivesNoKeyForACombination()
    {
        var k = new ProfileKeyEstimator(KeyMethods.Find("cqt+hpcp")).Estimate(AudioBuffer.FromMono(new float[Sr * 3], Sr));
        Assert.False(k.HasKey);
    }
}
