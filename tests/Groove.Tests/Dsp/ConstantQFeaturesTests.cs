using Groove.Audio;
using Groove.Cli;
using Groove.Dsp;
using Groove.Tests.Support;
using Groove.IO;

namespace Groove.Tests.Dsp;

/// <summary><c>groove features cqt|vqt|chroma</c>: the tonal entries of the features command.</summary>
[Collection("Console")]
public class ConstantQFeaturesTests
{
    [Fact]
    public void CqtVqtAndChromaAreWrittenFrameMajor()
    {
        using var tmp = new TempDir();
        const int sr = 22050;
        // A4 (440 Hz) for 2 s: CQT bin 45 from C1 (MIDI 69 − 24) (12 per octave), chroma class 9.
        var y = ConstantQTransformTests.Sine(440, 2.0, sr);
        var wav = tmp.File("a440.wav");
        WavWriter.Write(wav, AudioBuffer.FromMono(y, sr), WavSampleFormat.Float32);
        foreach (var (kind, columns, peak) in new[] { ("cqt", 84, 45), ("vqt", 84, 45), ("chroma", 12, 9) })
        {
            Assert.Equal(0, Program.Main(["features", kind, wav, "--out", tmp.Path]));
            var npy = NpyFile.Read(tmp.File($"a440.{kind}.npy"));
            Assert.Equal([1 + y.Length / 512, columns], npy.Shape);
            var data = npy.ToFloat();
            int mid = npy.Shape[0] / 2;
            var frame = data.AsSpan(mid * columns, columns);
            Assert.Equal(peak, System.Numerics.Tensors.TensorPrimitives.IndexOfMax(frame));
        }
    }

    [Fact]
    public void TooLowARateIsAOneLineError()
    {
        using var tmp = new TempDir();
        var wav = tmp.File("tone.wav");
        WavWriter.Write(wav, AudioBuffer.FromMono(ConstantQTransformTests.Sine(220, 1.0, 22050), 22050));
        Assert.Equal(1, Program.Main(["features", "cqt", wav, "--out", tmp.Path, "--sr", "4000"]));
        Assert.False(File.Exists(tmp.File("tone.cqt.npy")));
    }
}
