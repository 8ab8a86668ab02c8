using Groove.Audio;
using Groove.Dsp;
using Groove.Tests.Dsp;
using Groove.Tonality;

namespace Groove.Tests.Tonality;

public class HarmonicPitchClassProfileTests
{
    private const int Sr = 22050;

    /// <summary>A tone of MIDI pitch <paramref name="midi"/> with <paramref name="partials"/> harmonics of amplitude 1/h.</summary>
    private static float[] Tone(double midi, int partials, double seconds = 2, double amplitude = 0.2, double cents = 0)
    {
        var y = new float[(int)(seconds * Sr)];
        double f0 = 440 * Math.Pow(2, (midi - 69 + cents / 100) / 12);
        for (int h = 1; h <= partials; h++)
        {
            double f = f0 * h;
            if (f >= Sr / 2.0) break;
            for (int i = 0; i < y.Length; i++) y[i] += (float)(amplitude / h * Math.Sin(2 * Math.PI * f * i / Sr));
        }
        return y;
    }

    private static float[] Mean(float[] y, HpcpOptions o) => HarmonicPitchClassProfile.Compute(y, Sr, o).Chroma.Mean();

    private static float Share(float[] chroma, int pc) => chroma[pc] / chroma.Sum();

    [Fact]
    public void APureToneLandsOnItsPitchClass()
    {
        var m = Mean(Tone(69, 1), new HpcpOptions { Harmonics = 1 });
        // Only A (9) is lit: the cos² window (4/3 semitone wide) reaches no neighbour from a tone on its semitone.
        Assert.Equal(9, Array.IndexOf(m, m.Max()));
        Assert.True(Share(m, 9) > 0.99, $"A holds {Share(m, 9):F3} of the profile");
    }

    [Fact]
    public void EachPeakAlsoCountsForTheNotesItIsAHarmonicOf()
    {
        // A pure A4 with 3 harmonics summed (decay s): A4 is itself (h = 1, weight 1), the 2nd harmonic of A3 (s², A
        // again) and the 3rd of D3 (s⁴, D); energies are squared weights. So D / A = s⁴ / (1 + s²).
        const double s = 0.6;
        var m = Mean(Tone(69, 1), new HpcpOptions { Harmonics = 3, HarmonicDecay = s, Whitening = false });
        double expected = Math.Pow(s, 4) / (1 + s * s);
        // The D contribution sits 1.96 cents off its semitone (3:1 is not exactly 19 semitones): cos² of that is 1 − 1e-4.
        Assert.InRange(m[2] / m[9], expected * 0.99, expected * 1.01);
        Assert.True(m.Where((_, i) => i != 2 && i != 9).All(v => v < 1e-6 * m[9]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(30)]
    [InlineData(-40)]
    public void EstimatesTheTuningFromThePeaks(double cents)
    {
        var y = ChromagramTests.Chord([57, 60, 64], 2.0, Sr, cents);
        var (chroma, tuning) = HarmonicPitchClassProfile.Compute(y, Sr);
        // Peaks are interpolated to a fraction of a 5.4 Hz bin; the circular mean over all of them is within a few cents.
        Assert.InRange(tuning * 100, cents - 4, cents + 4);
        var m = chroma.Mean();
        Assert.Equal([0, 4, 9], Enumerable.Range(0, 12).OrderByDescending(i => m[i]).Take(3).Order().ToArray());
    }

    [Fact]
    public void WhiteningLiftsAQuietHighNoteNextToALoudBass()
    {
        // A loud E2 (pure) and a quiet B5 (pure), 30 dB apart and 3.6 octaves apart: the envelope follows each.
        var y = Tone(40, 1, amplitude: 0.3).Zip(Tone(83, 1, amplitude: 0.3 * 0.0316), (a, b) => a + b).ToArray();
        var plain = Mean(y, new HpcpOptions { Harmonics = 1, Whitening = false });
        var white = Mean(y, new HpcpOptions { Harmonics = 1, Whitening = true });
        Assert.True(Share(plain, 11) < 0.01);
        Assert.True(Share(white, 11) > 0.2, $"B holds {Share(white, 11):F3} with whitening");
    }

    [Fact]
    public void PercussiveSuppressionKeepsClicksOutOfTheProfile()
    {
        // A soft sustained A3 under loud clicks every 0.25 s: the clicks' flat spectra spread over all classes.
        var y = Tone(57, 3, seconds: 4, amplitude: 0.05);
        for (int t = 0; t < y.Length; t += Sr / 4)
            for (int i = 0; i < 64 && t + i < y.Length; i++) y[t + i] += (float)(0.9 * Math.Exp(-i / 8.0) * (i % 2 == 0 ? 1 : -1));
        var o = new HpcpOptions { Harmonics = 1, Whitening = false };
        var plain = Mean(y, o);
        var hpss = Mean(y, o with { PercussiveSuppression = true });
        Assert.True(Share(hpss, 9) > Share(plain, 9), $"A share {Share(hpss, 9):F3} with HPSS vs {Share(plain, 9):F3}");
        Assert.True(Share(hpss, 9) > 0.5);
    }

    [Fact]
    public void BandLimitsDropPeaksOutsideThem()
    {
        var y = Tone(40, 1).Zip(Tone(76, 1), (a, b) => a + b).ToArray(); // E2 (82 Hz) and E5 (659 Hz)
        var all = Mean(y, new HpcpOptions { Harmonics = 1, Whitening = false });
        var high = Mean(y, new HpcpOptions { Harmonics = 1, Whitening = false, MinFrequency = 200 });
        Assert.Equal(4, Array.IndexOf(all, all.Max()));
        Assert.Equal(4, Array.IndexOf(high, high.Max()));
        // the energy sum halves when the E2 peak is left out (both tones have the same amplitude)
        Assert.InRange(high.Sum() / all.Sum(), 0.4, 0.6);
    }

    [Fact]
    public void SilenceAndShortInputGiveAZeroProfile()
    {
        Assert.All(Mean(new float[Sr], new HpcpOptions()), v => Assert.Equal(0f, v));
        Assert.All(Mean(new float[10], new HpcpOptions()), v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentException>(() => HarmonicPitchClassProfile.Compute(new float[Sr], Sr, new HpcpOptions { Harmonics = 0 }));
    }

    [Fact]
    public void EveryMethodFindsTheKeyOfACadence()
    {
        // i–iv–V–i in E minor with bass, as ProfileKeyEstimatorTests' cadences.
        var y = new List<float>();
        foreach (var c in new[] { new double[] { 64, 67, 71, 52 }, [69, 72, 76, 57], [71, 75, 78, 59], [64, 67, 71, 52] })
            y.AddRange(ChromagramTests.Chord(c, 1.0, Sr));
        var audio = AudioBuffer.FromMono(y.ToArray(), Sr);
        foreach (var m in KeyMethods.All)
            Assert.Equal(new MusicalKey(4, KeyMode.Minor), new ProfileKeyEstimator(m.Options).Estimate(audio).Key);
    }

    [Fact]
    public void TheDefaultMethodIsTheLibraryDefault()
    {
        // The default method is new ProfileKeyOptions() plus its fitted confidence calibration, and the estimator's
        // default is that method.
        Assert.Equal(new ProfileKeyOptions(), KeyMethods.Classical.Options with { Calibration = null });
        Assert.Same(KeyMethods.Classical.Options, new ProfileKeyEstimator().Options);
        Assert.Same(KeyMethods.Find("CQT"), KeyMethods.Find("cqt"));
        Assert.Null(KeyMethods.Find("nope"));
        Assert.Equal(KeyMethods.All.Count, KeyMethods.All.Select(m => m.Name).Distinct().Count());
    }

    [Fact]
    public void ChromaGateScalesToOneAndZeroesWeakClasses()
    {
        var est = new ProfileKeyEstimator(new ProfileKeyOptions { ChromaGate = 0.2, Profile = KeyProfile.AlbrechtShanahan, Similarity = KeySimilarity.Pearson });
        var chroma = new float[] { 2, 0.2f, 0.1f, 0.2f, 1.6f, 0.3f, 0.2f, 1.8f, 0.5f, 0.2f, 0.3f, 0.2f };
        // by hand: divided by the maximum (2), then values below 0.2 set to 0
        var gated = new float[] { 1, 0, 0, 0, 0.8f, 0, 0, 0.9f, 0.25f, 0, 0, 0 };
        var expected = ProfileKeyEstimator.FromChroma(gated, KeyProfile.AlbrechtShanahan, KeySimilarity.Pearson);
        var got = est.FromMeanChroma(chroma);
        Assert.Equal(expected.Key, got.Key);
        for (int i = 0; i < 24; i++) Assert.Equal(expected.Scores[i], got.Scores[i], 5);
        Assert.Equal(new MusicalKey(0, KeyMode.Major), got.Key);
    }
}
