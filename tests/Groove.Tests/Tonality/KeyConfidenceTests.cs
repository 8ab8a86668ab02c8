using Groove.Analysis;
using Groove.Tonality;
using Groove.Tonality.Stone;

namespace Groove.Tests.Tonality;

/// <summary>The key confidence is a calibrated probability: 0 with no key, in [0, 1], rising with the margin.</summary>
public class KeyConfidenceTests
{
    private const int Sr = 22050;

    [Fact]
    public void Every_shipped_method_is_calibrated_and_rises_with_the_margin()
    {
        // The combinations (cqt+hpcp, cqt+essentia) came after the fit and are not calibrated (KeyScoreCombinationTests).
        foreach (var m in KeyMethods.All.Where(m => m.Options.CombineWith is null))
        {
            var cal = m.Options.Calibration;
            Assert.NotNull(cal);
            Assert.True(cal.Slope > 0, m.Name);
            double previous = -1;
            for (double margin = 0; margin <= 0.5; margin += 0.005)
            {
                double p = cal.Probability(margin);
                Assert.InRange(p, 0, 1);
                Assert.True(p > previous || p == 1, $"{m.Name}: not increasing at margin {margin}");
                previous = p;
            }
            Assert.Equal(0, cal.Probability(double.NaN));
        }
    }

    [Fact]
    public void The_margin_is_best_minus_second()
    {
        Assert.Equal(0.25, KeyConfidenceCalibration.Margin([0.1, 0.75, 0.5, -1]), 12);
        Assert.Equal(0, KeyConfidenceCalibration.Margin([0.3, 0.3]), 12);
        Assert.Equal(0, KeyConfidenceCalibration.Margin([0.3]), 12);
    }

    [Fact]
    public void Silence_gets_confidence_0_with_every_method()
    {
        var silence = AudioBuffer.FromMono(new float[3 * Sr], Sr);
        foreach (var m in KeyMethods.All)
        {
            var k = new ProfileKeyEstimator(m.Options).Estimate(silence);
            Assert.False(k.HasKey);
            Assert.Equal(0, k.Confidence);
        }
    }

    [Fact]
    public void A_clear_key_scores_higher_than_the_same_music_buried_in_noise()
    {
        var clear = ProfileKeyEstimatorTests.Cadence(7, KeyMode.Major);
        var rng = new Rng(5);
        var noisy = new float[clear.Length];
        // White noise at about 4× the music's RMS: the key stays findable at best barely, so the margin shrinks.
        double rms = Math.Sqrt(clear.Average(v => (double)v * v));
        for (int i = 0; i < noisy.Length; i++) noisy[i] = clear[i] + (float)(4 * rms * rng.NextNormal());
        var est = new ProfileKeyEstimator();
        var a = est.Estimate(AudioBuffer.FromMono(clear, Sr));
        var b = est.Estimate(AudioBuffer.FromMono(noisy, Sr));
        Assert.Equal(new MusicalKey(7, KeyMode.Major), a.Key);
        Assert.True(a.ConfidenceCalibrated && b.ConfidenceCalibrated);
        Assert.True(a.Confidence > b.Confidence + 0.1, $"clear {a.Confidence:F3}, noisy {b.Confidence:F3}");
    }

    [Fact]
    public void Another_profile_or_a_model_is_not_called_calibrated()
    {
        var audio = AudioBuffer.FromMono(ProfileKeyEstimatorTests.Cadence(0, KeyMode.Major), Sr);
        var withProfile = new Analyzer(new AnalysisOptions { Beats = false, KeyProfile = "krumhansl" }).Analyze(audio);
        Assert.False(withProfile.Key!.Global.ConfidenceCalibrated);
        var classical = new Analyzer(new AnalysisOptions { Beats = false, KeyMethod = KeyMethods.ClassicalName }).Analyze(audio);
        Assert.True(classical.Key!.Global.ConfidenceCalibrated);
        Assert.Equal(KeyMethods.Classical.Options.Calibration!.Probability(
            new ProfileKeyEstimator().Margin(new ProfileKeyEstimator().ChromaOf(audio).Chroma.Mean())), classical.Key.Global.Confidence, 9);
        // The learned default is calibrated on the margin of its 24 combined scores; the same model under --model is not.
        var byDefault = new Analyzer(new AnalysisOptions { Beats = false }).Analyze(audio).Key!.Global;
        Assert.True(byDefault.ConfidenceCalibrated);
        var learned = KeyMethods.FindLearned(KeyMethods.DefaultName)!;
        Assert.Equal(learned.Calibration!.Probability(StoneKeyEstimator.Margin(byDefault)), byDefault.Confidence, 9);
        var asModel = new Analyzer(new AnalysisOptions { Beats = false, KeyMethod = KeyMethods.ClassicalName, KeyModel = learned.Model, KeyModeFromProfile = true })
            .Analyze(audio).Key!.Global;
        Assert.False(asModel.ConfidenceCalibrated);
        Assert.Equal(byDefault.Key, asModel.Key);
        for (int i = 0; i < 24; i++) Assert.Equal(byDefault.Scores[i], asModel.Scores[i], 5);   // two runs: rounding may differ
    }
}
