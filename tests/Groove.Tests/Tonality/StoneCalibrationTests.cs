using Groove.Audio;
using Groove.Cli;
using Groove.Tests.Support;
using Groove.Tonality;
using Groove.Tonality.Stone;

namespace Groove.Tests.Tonality;

/// <summary>Calibrating a STONE model's classes on tracks with known keys (<see cref="StoneModel.CalibrateOn"/>).</summary>
[Collection("Console")]
public class StoneCalibrationTests
{
    private static readonly (int Tonic, KeyMode Mode)[] Keys =
        [(0, KeyMode.Major), (7, KeyMode.Major), (2, KeyMode.Minor), (5, KeyMode.Major), (9, KeyMode.Minor), (11, KeyMode.Major)];

    private static StoneLabelledData Cadences(int transpose)
    {
        var data = new StoneLabelledData();
        foreach (var (t, m) in Keys)
        {
            // The audio stays; only the labels move: labelled as if every track were `transpose` semitones higher.
            var cqt = StoneFrontEnd.Compute(SyntheticCadence.Render(t, m, secondsPerChord: 0.4), out int frames);
            data.Add($"{t}{m}", cqt, frames, new MusicalKey((t + transpose) % 12, m), 8);
        }
        return data;
    }

    [Fact]
    public void TheChosenOffsetFollowsTheLabelsAndCountsTheTracksItGetsRight()
    {
        var model = StoneModel.Load(RepoPaths.Path("models", "stone-small.safetensors"));
        var hits = model.CalibrateOn(Cadences(0));
        int offset = model.CalibrationOffset;
        Assert.Equal(hits.Max(), hits[offset]);
        Assert.True(hits[offset] >= 1);
        Assert.Equal(Keys.Length, hits.Sum()); // each track is right under exactly one offset

        // Labels transposed up by 5 semitones: signature s becomes s + 5, so class (s + off) now needs offset off − 5.
        var shifted = model.CalibrateOn(Cadences(5));
        Assert.Equal(((offset - 5) % 12 + 12) % 12, model.CalibrationOffset);
        for (int off = 0; off < 12; off++) Assert.Equal(hits[off], shifted[((off - 5) % 12 + 12) % 12]);

        // Once calibrated on them, the model's own key signatures agree with the labels as often as counted.
        int right = 0;
        foreach (var (t, m) in Keys)
        {
            var cqt = StoneFrontEnd.Compute(SyntheticCadence.Render(t, m, secondsPerChord: 0.4), out int frames);
            var p = model.KeySignatureProfile(cqt, frames);
            int best = Array.IndexOf(p, p.Max());
            if (best == (StoneLabelledData.Signature(new MusicalKey(t, m)) + 5) % 12) right++;
        }
        Assert.Equal(shifted[model.CalibrationOffset], right);
    }

    [Fact]
    public void TheCalibrateCommandWritesTheModelWithItsNewOffsetAndRejectsAMissingFolder()
    {
        using var tmp = new TempDir();
        var dir = tmp.File("keyed");
        Directory.CreateDirectory(Path.Combine(dir, "audio"));
        Directory.CreateDirectory(Path.Combine(dir, "key"));
        foreach (var (t, m) in Keys)
        {
            WavWriter.Write(Path.Combine(dir, "audio", $"k{t}{m}.wav"), AudioBuffer.FromMono(SyntheticCadence.Render(t, m, secondsPerChord: 0.4), 22050));
            File.WriteAllText(Path.Combine(dir, "key", $"k{t}{m}.key"), new MusicalKey(t, m) + "\n");
        }
        var output = tmp.File("cal.safetensors");
        Assert.Equal(0, Program.Main(["train", "calibrate", "--model", "stone-small", "--labelled", dir, "--out", output, "--cache", tmp.File("cache")]));

        var expected = StoneModel.Load(RepoPaths.Path("models", "stone-small.safetensors"));
        var fromFiles = new StoneLabelledData();
        foreach (var (t, m) in Keys)
        {
            var cqt = StoneFrontEnd.Compute(AudioFile.Load(Path.Combine(dir, "audio", $"k{t}{m}.wav")).Mono(), out int frames);
            fromFiles.Add($"k{t}{m}", cqt, frames, new MusicalKey(t, m), 8);
        }
        expected.CalibrateOn(fromFiles);
        var written = StoneModel.Load(output);
        Assert.Equal(expected.CalibrationOffset, written.CalibrationOffset);
        Assert.Equal("keyed", written.Metadata["stone.calibrated_on"]);
        Assert.Equal("6", written.Metadata["stone.calibration_tracks"]);

        Assert.NotEqual(0, Program.Main(["train", "calibrate", "--model", "stone-small", "--labelled", tmp.File("missing"), "--out", output]));
    }
}
