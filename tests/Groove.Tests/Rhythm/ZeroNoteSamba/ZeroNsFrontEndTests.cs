using Groove.Audio;
using Groove.Rhythm;
using Groove.Rhythm.ZeroNoteSamba;

namespace Groove.Tests.Rhythm.ZeroNoteSamba;

public class ZeroNsFrontEndTests
{
    [Fact]
    public void ToneLandsInItsBinAt62Point5FramesPerSecond()
    {
        int sr = ZeroNsFrontEnd.SampleRate;
        var x = new float[2 * sr];
        for (int i = 0; i < x.Length; i++) x[i] = 0.5f * MathF.Sin(2 * MathF.PI * 440 * i / sr);
        var fe = new ZeroNsFrontEnd();
        var v = fe.LogVqt(x, out int frames);
        Assert.Equal(1 + x.Length / 256, frames);
        Assert.Equal(62.5, ZeroNsFrontEnd.FrameRate);
        int mid = frames / 2, best = 0;
        for (int b = 1; b < 96; b++) if (v[b * frames + mid] > v[best * frames + mid]) best = b;
        Assert.Equal(57, best); // A4 = C0 + 4 octaves + 9 semitones
        var silent = fe.LogVqt(new float[sr], out _);
        Assert.All(silent, s => Assert.Equal(MathF.Log(ZeroNsFrontEnd.LogEpsilon), s, 3));
    }

    [Fact]
    public void FrameMajorFeaturesRoundTrip()
    {
        int frames = 7;
        var p = Enumerable.Range(0, 96 * frames).Select(i => (float)i).ToArray();
        var n = p.Select(v => -v).ToArray();
        var x = ZeroNsBeatFeatures.Interleave(p, n, frames);
        Assert.Equal(p[5 * frames + 3], x[3 * 192 + 5]);
        Assert.Equal(n[5 * frames + 3], x[3 * 192 + 96 + 5]);
        var (p2, n2) = ZeroNsBeatFeatures.Split(x, frames);
        Assert.Equal(p, p2);
        Assert.Equal(n, n2);
    }

    [Fact]
    public void StemsAreMatchedByName()
    {
        using var tmp = new Support.TempDir();
        var d = AudioBuffer.FromMono(new float[22050], 22050);
        WavWriter.Write(tmp.File("song.drums.wav"), d);
        Assert.Null(ZeroNsParts.FindStems(tmp.Path, "/x/song.mp3"));
        WavWriter.Write(tmp.File("song.other.wav"), AudioBuffer.FromMono(new float[11025], 22050));
        var found = ZeroNsParts.FindStems(tmp.Path, "/x/song.mp3");
        Assert.NotNull(found);
        var parts = ZeroNsParts.FromStems(AudioFile.Load(found.Value.Drums), AudioFile.Load(found.Value.Other));
        Assert.Equal(8000, parts.Length); // cut to the shorter stem, at 16 kHz
    }
}
