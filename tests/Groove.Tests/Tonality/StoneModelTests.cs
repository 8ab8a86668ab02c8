using Groove.Audio;
using Groove.Cli;
using Groove.IO.Annotations;
using Groove.Models;
using Groove.Nn;
using Groove.Tests.Support;
using Groove.Tonality;
using Groove.Tonality.Stone;

namespace Groove.Tests.Tonality;

[Collection("Console")]
public class StoneModelTests
{
    private static string Clip(string id) => SharedData.Path("data", "dev", "gtzan20", "audio", id + ".wav");

    [Fact]
    public void SavedModelRoundTripsWithItsCalibration()
    {
        using var tmp = new TempDir();
        var net = new ChromaNet(new ChromaNetConfig { Width = 4, Stages = 2, Kernel = 3 }, new Rng(9));
        var model = new StoneModel(net, 1.0 / 12, 5);
        model.Save(tmp.File("m.safetensors"));
        var back = StoneModel.Load(tmp.File("m.safetensors"));
        Assert.Equal(5, back.CalibrationOffset);
        Assert.Equal(1.0 / 12, back.Omega, 12);
        Assert.Equal(net.Config, back.Net.Config);
        var cqt = StoneFrontEnd.Compute(SyntheticCadence.Render(0, KeyMode.Major, secondsPerChord: 0.5), out int frames);
        Assert.Equal(model.KeySignatureProfile(cqt, frames), back.KeySignatureProfile(cqt, frames));
        // Calibration rotates the raw profile.
        var raw = back.RawProfile(cqt, frames);
        var sig = back.KeySignatureProfile(cqt, frames);
        for (int s = 0; s < 12; s++) Assert.Equal(raw[(s + 5) % 12], sig[s]);
    }

    [Fact]
    public void BadModelFilesGiveOneLineErrors()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("x.safetensors"), "not a model");
        Assert.Throws<GrooveException>(() => StoneModel.Load(tmp.File("x.safetensors")));
        var e = Assert.Throws<GrooveException>(() => ModelRegistry.Resolve("no-such-model"));
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ShippedModelLoadsAndGivesAProfile()
    {
        var path = ModelRegistry.Resolve("stone-small");
        // Found next to the binaries (copied from the CLI project) or in the checkout: the repository's file either way.
        Assert.Equal(File.ReadAllBytes(RepoPaths.Path("models", "stone-small.safetensors")), File.ReadAllBytes(path));
        var model = StoneModel.Load(path);
        var estimator = new StoneKeyEstimator(model, "stone-small");
        var audio = AudioFile.Load(Clip("gtzan_jazz_00001"), new AudioLoadOptions { SampleRate = 22050, Mono = true });
        var sig = estimator.KeySignatureProfile(audio);
        Assert.Equal(12, sig.Length);
        Assert.Equal(1f, sig.Sum(), 3);
        var est = estimator.Estimate(audio);
        Assert.Equal(1f, est.Scores.Sum(), 3);
        // The key's signature is the model's most probable signature.
        Assert.Equal(Array.IndexOf(sig, sig.Max()), Groove.Evaluation.Key.KeyEvaluation.SignatureOf(est.Key));
    }

    [Fact]
    public void KeyCommandRunsWithTheShippedModel()
    {
        using var tmp = new TempDir();
        int rc = Program.Main(["key", Clip("gtzan_rock_00001"), "--model", "stone-small", "--out", tmp.Path]);
        Assert.Equal(0, rc);
        Assert.NotNull(KeyAnnotations.Read(tmp.File("gtzan_rock_00001.key")));
        Assert.Equal(1, Program.Main(["key", Clip("gtzan_rock_00001"), "--model", "no-such-model"]));
    }
}
