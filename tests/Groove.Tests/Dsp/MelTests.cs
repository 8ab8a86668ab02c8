using System.Text.Json;
using Groove.Dsp;
using Groove.Tests.Support;
using Groove.IO;

namespace Groove.Tests.Dsp;

public class MelTests
{
    public static TheoryData<string> EllisCases() => ["100", "101", "110", "120", "130", "140"];

    /// <summary>Ellis' reference filterbanks (librosa's own conformance data): max error ≤ 1e−6 of the largest weight.</summary>
    [Theory]
    [MemberData(nameof(EllisCases))]
    public void MatchesEllisReferenceFilterbanks(string id)
    {
        var dir = SharedData.Path("conformance", "ellis");
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "index.json")));
        var p = index.RootElement.GetProperty($"feature-melfb-{id}");
        int sr = (int)p.GetProperty("sr").GetDouble();
        int nFft = (int)p.GetProperty("nfft").GetDouble();
        int nMels = (int)p.GetProperty("nfilts").GetDouble();
        double fmin = p.GetProperty("fmin").GetDouble(), fmax = p.GetProperty("fmax").GetDouble();
        var scale = p.GetProperty("htk").GetDouble() != 0 ? MelScale.Htk : MelScale.Slaney;
        var expected = NpyFile.Read(Path.Combine(dir, $"feature-melfb-{id}.wts.npy")); // [mels, nfft], zero beyond nfft/2+1
        Assert.Equal([nMels, nFft], expected.Shape);

        var fb = new MelFilterbank(sr, nFft, nMels, fmin, fmax, scale, MelNorm.Slaney);
        double max = expected.Data.Max(Math.Abs), err = 0;
        for (int m = 0; m < nMels; m++)
            for (int k = 0; k < nFft; k++)
            {
                double ours = k < fb.Bins ? fb.Weights[m * fb.Bins + k] : 0;
                err = Math.Max(err, Math.Abs(ours - expected.Data[m * nFft + k]));
            }
        Assert.True(err <= 1e-6 * max, $"melfb-{id}: max error {err:E3} vs largest weight {max:E3}");
    }

    [Fact]
    public void HtkUnnormalisedFilterbankMatchesLibrosaAlgorithm()
    {
        var expected = DspFixtures.Load("melfb_htk_nonorm.npy");
        var fb = new MelFilterbank(22050, 512, 24, 100, 8000, MelScale.Htk, MelNorm.None);
        Assert.True(DspFixtures.MaxRelativeError(fb.Weights, expected.Data) < 1e-6);
        Assert.Equal(1.0, fb.Weights.ToArray().Max(), 2); // unnormalised triangles peak near 1
    }

    [Fact]
    public void MelSpectrogramAndLogMelMatchLibrosa()
    {
        var x = DspFixtures.Signal;
        var mel = new MelSpectrogram(22050, nFft: 512, hopLength: 128, melCount: 40);
        var m = mel.Compute(x);
        var expected = DspFixtures.Load("mel_slaney.npy");
        Assert.Equal([mel.FrameCount(x.Length), 40], expected.Shape);
        Assert.True(DspFixtures.MaxRelativeError(m, expected.Data) < 1e-5, $"mel {DspFixtures.MaxRelativeError(m, expected.Data):E2}");

        var db = mel.ComputeDb(x);
        var expectedDb = DspFixtures.Load("logmel_slaney.npy");
        for (int i = 0; i < db.Length; i++) Assert.True(Math.Abs(db[i] - expectedDb.Data[i]) < 2e-3, $"logmel[{i}] {db[i]} vs {expectedDb.Data[i]}");

        var refMax = new float[m.Length];
        Decibels.PowerToDbRelativeToMax(m, refMax, topDb: 60f);
        var expectedRefMax = DspFixtures.Load("logmel_slaney_refmax.npy");
        for (int i = 0; i < db.Length; i++) Assert.True(Math.Abs(refMax[i] - expectedRefMax.Data[i]) < 2e-3);
        Assert.Equal(0f, refMax.Max(), 4);

        var htk = new MelSpectrogram(22050, 512, 128, 24, 100, 8000, MelScale.Htk, MelNorm.None);
        var expectedHtk = DspFixtures.Load("mel_htk_nonorm.npy");
        Assert.True(DspFixtures.MaxRelativeError(htk.Compute(x), expectedHtk.Data) < 1e-5);
    }

    [Fact]
    public void FilterbankApplyEqualsDenseProduct()
    {
        var fb = new MelFilterbank(16000, 400, 30);
        var rng = new Random(1);
        var spec = new float[3 * fb.Bins];
        for (int i = 0; i < spec.Length; i++) spec[i] = (float)rng.NextDouble();
        var mel = fb.Apply(spec);
        for (int t = 0; t < 3; t++)
            for (int m = 0; m < 30; m++)
            {
                double d = 0;
                for (int k = 0; k < fb.Bins; k++) d += fb.Weights[m * fb.Bins + k] * (double)spec[t * fb.Bins + k];
                Assert.Equal(d, mel[t * 30 + m], 4);
            }
    }

    [Fact]
    public void TooManyBandsWarnsAboutEmptyFilters()
    {
        string? warning = null;
        _ = new MelFilterbank(22050, 256, 128, onWarning: w => warning = w);
        Assert.NotNull(warning);
        Assert.Contains("empty", warning);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(500.0)]
    [InlineData(1000.0)]
    [InlineData(4321.5)]
    public void MelScalesRoundTrip(double hz)
    {
        foreach (var s in new[] { MelScale.Slaney, MelScale.Htk })
            Assert.Equal(hz, MelFilterbank.MelToHz(MelFilterbank.HzToMel(hz, s), s), 6);
        Assert.Equal(15.0, MelFilterbank.HzToMel(1000, MelScale.Slaney), 9);
    }
}
