using Groove.Audio;
using Groove.Nn;
using Groove.Tonality;
using Groove.Tonality.Stone;

namespace Groove.Tests.Tonality;

/// <summary><c>groove key --model M --mode-from profile</c>: a 24-output model's key signature with the classical mode decision.</summary>
public class StoneModeFromProfileTests
{
    [Fact]
    public void A24OutputModelCanLeaveTheModeToTheProfileEstimator()
    {
        var model = new StoneModel(new ChromaNet(new ChromaNetConfig { Width = 4, Stages = 2, Kernel = 3, Modes = 2 }, new Rng(5)), 7.0 / 12, 2);
        var audio = AudioBuffer.FromMono(SyntheticCadence.Render(9, KeyMode.Minor, secondsPerChord: 0.3), StoneFrontEnd.SampleRate);
        var cqt = StoneFrontEnd.Compute(audio.Mono(), out int frames);

        var own = new StoneKeyEstimator(model, "m");
        var viaProfile = new StoneKeyEstimator(model, "m", modeFromProfile: true);
        Assert.True(own.ModelsMode);
        Assert.False(viaProfile.ModelsMode);

        // A classical estimate that is sure of major for every signature, then one sure of minor.
        var majorOnly = new KeyEstimate(new MusicalKey(0, KeyMode.Major), 1, Enumerable.Range(0, 24).Select(i => i < 12 ? 1f / 12 : 0f).ToArray());
        var minorOnly = new KeyEstimate(new MusicalKey(9, KeyMode.Minor), 1, Enumerable.Range(0, 24).Select(i => i < 12 ? 0f : 1f / 12).ToArray());
        var sig = model.KeySignatureProfile(cqt, frames);
        int best = Array.IndexOf(sig, sig.Max());

        var k1 = viaProfile.Estimate(audio, majorOnly);
        Assert.Equal(new MusicalKey(best, KeyMode.Major), k1.Key);
        var k2 = viaProfile.Estimate(audio, minorOnly);
        Assert.Equal(new MusicalKey((best + 9) % 12, KeyMode.Minor), k2.Key);
        // Same signature scores as the model's own 24 (columns summed), redistributed by the classical mode.
        var scores = model.KeyScores(cqt, frames);
        for (int s = 0; s < 12; s++)
            Assert.Equal(scores[s] + scores[12 + (s + 9) % 12], k1.Scores[s] + k1.Scores[12 + (s + 9) % 12], 5);
        // The model's own path ignores the classical estimate.
        Assert.Equal(own.Estimate(audio, majorOnly).Key, own.Estimate(audio, minorOnly).Key);
    }
}
