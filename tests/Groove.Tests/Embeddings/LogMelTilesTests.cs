using Groove.Audio;
using Groove.Dsp;
using Groove.Tests.Audio;
using Groove.Embeddings;
using Groove.Tests.Support;

namespace Groove.Tests.Embeddings;

public class LogMelTilesTests
{
    [Fact]
    public void FromDecodedAudioEqualsLoadingTheFileAt16kMono()
    {
        using var dir = new TempDir();
        var path = dir.File("stereo.wav");
        var left = Signals.Sine(440, 44100, 88200);
        var right = Signals.Sine(1000, 44100, 88200);
        AudioTestFiles.Wav(path, 44100, left, right);
        // Exact: both paths mix the channels with the same element-wise operations and run the same resampler, which
        // gives the same samples streamed in blocks as on the whole signal (ResamplerTests.StreamingInRandomBlocksEqualsWholeSignal).
        Assert.Equal(LogMelTiles.LoadAudio(path), LogMelTiles.FromAudio(AudioFile.Load(path)));
    }

    [Fact]
    public void ShapeIsFramesByMelsAtOneHundredFramesPerSecond()
    {
        var lm = new LogMelTiles().Compute(Signals.Sine(440, 16000, 16000));
        Assert.Equal(101 * 128, lm.Length); // centred STFT: 1 + 16000 / 160 frames
        Assert.Equal(101, LogMelTiles.FrameCount(lm));
    }

    [Fact]
    public void ASinePeaksInTheBandHoldingItsFrequencyAndSilenceIsTheFloor()
    {
        var f = new LogMelTiles();
        var lm = f.Compute(Signals.Sine(1000, 16000, 16000));
        var frame = lm.AsSpan(50 * 128, 128);
        int peak = 0;
        for (int m = 1; m < 128; m++) if (frame[m] > frame[peak]) peak = m;
        // HTK band centres: 130 points equally spaced in mel between 50 and 8000 Hz; band m peaks at centre m + 1.
        var centres = MelFilterbank.MelFrequencies(130, 50, 8000, MelScale.Htk);
        int expected = Enumerable.Range(0, 128).MinBy(m => Math.Abs(centres[m + 1] - 1000));
        Assert.InRange(peak, expected - 1, expected + 1);
        var silent = f.Compute(new float[16000]);
        Assert.All(silent, v => Assert.Equal(LogMelTiles.Floor, v, 1e-6f));
    }

    [Fact]
    public void TilesAreFiveSecondsAndShortTracksArePadded()
    {
        Assert.Equal([0, 500, 1000], LogMelTiles.TileStarts(1700));
        Assert.Equal([0], LogMelTiles.TileStarts(120));
        var lm = new float[3 * 128];
        for (int t = 0; t < 3; t++) for (int m = 0; m < 128; m++) lm[t * 128 + m] = t * 1000 + m;
        var tile = new float[128 * 500];
        LogMelTiles.CopyTile(lm, 1, tile);
        Assert.Equal(1000 + 5, tile[5 * 500 + 0]);   // mel 5, frame 1 of the input at time 0
        Assert.Equal(2000 + 7, tile[7 * 500 + 1]);
        Assert.Equal(LogMelTiles.Floor, tile[7 * 500 + 2]); // past the end
    }

    [Fact]
    public void MfccOfAConstantFrameIsItsScaledMeanOnly()
    {
        var lm = new float[10 * 128];
        Array.Fill(lm, -3f);
        var v = MfccStatistics.Compute(lm, 0, 10);
        Assert.Equal(MfccStatistics.Dimension, v.Length);
        // Orthonormal DCT-II: c0 = Σ x / √M = −3·√128; higher coefficients of a constant are 0 (float rounding of 128 terms: 1e-4).
        Assert.Equal(-3 * MathF.Sqrt(128), v[0], 1e-3f);
        for (int k = 1; k < MfccStatistics.Coefficients; k++) Assert.Equal(0f, v[k], 1e-4f);
        for (int k = 0; k < MfccStatistics.Coefficients; k++) Assert.Equal(0f, v[MfccStatistics.Coefficients + k], 1e-3f);
    }
}
