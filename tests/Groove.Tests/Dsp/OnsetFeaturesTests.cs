using Groove.Audio;
using Groove.Cli;
using Groove.Dsp;
using Groove.Tests.Support;
using Groove.IO;

namespace Groove.Tests.Dsp;

/// <summary><c>groove features onset</c>: SuperFlux onset strength and its sub-bands, frame-major.</summary>
[Collection("Console")]
public class OnsetFeaturesTests
{
    [Fact]
    public void OnsetStrengthPeaksAtClicks()
    {
        using var tmp = new TempDir();
        const int sr = 22050, hop = 512;
        // Short noise bursts every 0.5 s over silence: the onset curve must peak within two frames of each burst.
        var y = new float[sr * 3];
        var rng = new Random(7);
        double[] clicks = [0.5, 1.0, 1.5, 2.0, 2.5];
        foreach (var c in clicks)
            for (int i = 0; i < 400; i++) y[(int)(c * sr) + i] = (float)(rng.NextDouble() * 2 - 1) * 0.8f * MathF.Exp(-i / 80f);
        var wav = tmp.File("clicks.wav");
        WavWriter.Write(wav, AudioBuffer.FromMono(y, sr), WavSampleFormat.Float32);
        Assert.Equal(0, Program.Main(["features", "onset", wav, "--out", tmp.Path]));
        var npy = NpyFile.Read(tmp.File("clicks.onset.npy"));
        Assert.Equal(4, npy.Shape[1]);
        int frames = npy.Shape[0];
        Assert.InRange(frames, y.Length / hop - 2, y.Length / hop + 2);
        var total = Enumerable.Range(0, frames).Select(t => (float)npy.Data[t * 4]).ToArray();
        double fps = (double)sr / hop;
        foreach (var c in clicks)
        {
            int at = (int)Math.Round(c * fps);
            float local = total.Skip(at - 2).Take(5).Max();
            float between = total.Skip(at + 5).Take(10).Max();
            Assert.True(local > 5 * between, $"click at {c} s: onset {local} vs {between} between clicks");
        }
    }
}
