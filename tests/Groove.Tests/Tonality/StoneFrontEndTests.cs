using Groove.Tonality.Stone;

using Groove.Tests.Support;

namespace Groove.Tests.Tonality;

public class StoneFrontEndTests
{
    private static float[] Sine(double hz, double seconds) =>
        Signals.Sine(hz, StoneFrontEnd.SampleRate, (int)(seconds * StoneFrontEnd.SampleRate));

    private static int PeakBin(ReadOnlySpan<float> binMajor, int bins, int frames, int frame)
    {
        int best = 0;
        for (int b = 1; b < bins; b++) if (binMajor[b * frames + frame] > binMajor[best * frames + frame]) best = b;
        return best;
    }

    [Fact]
    public void CqtHas99BinsFromA0ScaledToUnitRange()
    {
        var cqt = StoneFrontEnd.Compute(Sine(440, 2), out int frames);
        Assert.Equal(StoneFrontEnd.Bins * frames, cqt.Length);
        Assert.InRange(frames, 86, 88); // 2 s at 22050/512 frames per second, centred frames
        Assert.All(cqt, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(1f, cqt.Max(), 3);
        // A4 = A0 + 4 octaves = bin 48.
        Assert.Equal(48, PeakBin(cqt, StoneFrontEnd.Bins, frames, frames / 2));
    }

    [Fact]
    public void CroppingAtAHigherOffsetTransposesDown()
    {
        var cqt = StoneFrontEnd.Compute(Sine(440, 1), out int frames);
        var crop = new float[StoneFrontEnd.CropBins * frames];
        foreach (int offset in new[] { 0, 5, 15 })
        {
            StoneFrontEnd.Crop(cqt, frames, offset, 0, frames, crop);
            Assert.Equal(48 - offset, PeakBin(crop, StoneFrontEnd.CropBins, frames, frames / 2));
        }
        // The crop at offset 3 is the crop at offset 5 transposed up by 2 semitones (rows shifted by 2).
        var c3 = new float[crop.Length]; var c5 = new float[crop.Length];
        StoneFrontEnd.Crop(cqt, frames, 3, 0, frames, c3);
        StoneFrontEnd.Crop(cqt, frames, 5, 0, frames, c5);
        for (int b = 0; b + 2 < StoneFrontEnd.CropBins; b++)
            Assert.True(c5.AsSpan(b * frames, frames).SequenceEqual(c3.AsSpan((b + 2) * frames, frames)));
        Assert.Throws<ArgumentOutOfRangeException>(() => StoneFrontEnd.Crop(cqt, frames, 16, 0, frames, crop));
    }

    [Fact]
    public void ExcerptsPastTheEndArePaddedWithZeros()
    {
        var cqt = StoneFrontEnd.Compute(Sine(220, 0.5), out int frames);
        var crop = new float[StoneFrontEnd.CropBins * 40];
        StoneFrontEnd.Crop(cqt, frames, 0, frames - 10, 40, crop);
        for (int b = 0; b < StoneFrontEnd.CropBins; b++)
            Assert.All(crop.AsSpan(b * 40 + 10, 30).ToArray(), v => Assert.Equal(0f, v));
    }
}
