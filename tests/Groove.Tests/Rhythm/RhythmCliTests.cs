using Groove.Audio;
using Groove.Dsp;
using Groove.Tests.Support;
using Groove.IO;

using Groove.Tests.Cli;

namespace Groove.Tests.Rhythm;

public class RhythmCliTests
{
    private static string Wav(TempDir dir, string name, float[] x, int sr = 22050)
    {
        var path = dir.File(name);
        WavWriter.Write(path, AudioBuffer.FromMono(x, sr));
        return path;
    }

    [Fact]
    public void BeatsWritesOneFilePerInputSkipsExistingAndRedoesWithForce()
    {
        using var dir = new TempDir();
        var a = Wav(dir, "a.wav", Signals.ClickTrack(120, 10));
        var b = Wav(dir, "b.song.wav", Signals.ClickTrack(90, 10));
        var outDir = Path.Combine(dir.Path, "out");
        var (code, _, err) = CliProcess.Run("beats", a, b, "--out", outDir);
        Assert.True(code == 0, err);
        var lines = File.ReadAllLines(Path.Combine(outDir, "a.beats"));
        Assert.InRange(lines.Length, 17, 21);
        foreach (var line in lines)
        {
            var parts = line.Split('\t');
            Assert.Equal(2, parts.Length);
            Assert.True(double.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out _));
            Assert.InRange(int.Parse(parts[1]), 1, 4);
        }
        Assert.Contains(lines, l => l.EndsWith("\t1"));
        Assert.True(File.Exists(Path.Combine(outDir, "b.song.beats")));

        File.WriteAllText(Path.Combine(outDir, "a.beats"), "keep");
        (code, _, err) = CliProcess.Run("beats", a, "--out", outDir);
        Assert.Equal(0, code);
        Assert.Contains("skipped", err);
        Assert.Equal("keep", File.ReadAllText(Path.Combine(outDir, "a.beats")));
        (code, _, _) = CliProcess.Run("beats", a, "--out", outDir, "--force", "--format", "json", "--plot", Path.Combine(dir.Path, "a.svg"));
        Assert.Equal(0, code);
        Assert.StartsWith("{\"file\"", File.ReadAllText(Path.Combine(outDir, "a.json")));
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(dir.Path, "a.svg")));
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp"));
    }

    [Fact]
    public void BeatsReportsSilenceAndBadFilesInOneLineAndGoesOn()
    {
        using var dir = new TempDir();
        var silent = Wav(dir, "silent.wav", new float[22050 * 4]);
        var bad = dir.File("bad.wav");
        File.WriteAllText(bad, "not audio at all");
        var good = Wav(dir, "good.wav", Signals.ClickTrack(120, 8));
        var (code, stdout, err) = CliProcess.Run("beats", silent, bad, good, "--model", "classical");
        Assert.Equal(1, code);
        Assert.Contains("silent", err);
        Assert.Contains("bad.wav", err);
        Assert.DoesNotContain("   at ", err);
        Assert.Contains("# " + good, stdout);
        var (code2, _, err2) = CliProcess.Run("beats", good, "--model", "nope");
        Assert.Equal(1, code2);
        Assert.Contains("unknown beat tracker", err2);
    }

    [Fact]
    public void TempoWritesMirexStyleBpmFiles()
    {
        using var dir = new TempDir();
        var a = Wav(dir, "a.wav", Signals.ClickTrack(110, 12));
        var (code, _, err) = CliProcess.Run("tempo", a, "--out", dir.Path);
        Assert.True(code == 0, err);
        var fields = File.ReadAllText(dir.File("a.bpm")).Trim().Split('\t').Select(f => double.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(3, fields.Length);
        Assert.InRange(fields[0], 107.8, 112.2);
        Assert.InRange(fields[2], 0.5, 1);
    }

    [Fact]
    public void DecodeNamesOutputsAfterTheInputWithoutItsLastExtension()
    {
        using var dir = new TempDir();
        var act = new float[1500];
        for (int t = 20; t < act.Length; t += 50) { act[t] = 0.9f; act[t - 1] = 0.3f; act[t + 1] = 0.3f; }
        for (int i = 0; i < act.Length; i++) act[i] = Math.Max(act[i], 0.01f);
        NpyFile.Write(dir.File("x.beats.npy"), act, act.Length);
        var outDir = Path.Combine(dir.Path, "out");
        var (code, _, err) = CliProcess.Run("decode", "beats", dir.File("x.beats.npy"), "--fps", "100", "--out", outDir);
        Assert.True(code == 0, err);
        var beats = File.ReadAllLines(Path.Combine(outDir, "x.beats.beats"));
        Assert.InRange(beats.Length, 29, 30);
        Assert.StartsWith("0.2", beats[0]);

        var down = new float[act.Length * 2];
        for (int t = 0; t < act.Length; t++) { int k = (t - 20) / 50; bool d = t >= 20 && k % 4 == 0; down[2 * t + (d ? 1 : 0)] = act[t]; down[2 * t + (d ? 0 : 1)] = 0.005f; }
        NpyFile.Write(dir.File("y.npy"), down, act.Length, 2);
        (code, _, err) = CliProcess.Run("decode", "downbeats", dir.File("y.npy"), "--fps", "100", "--out", outDir);
        Assert.True(code == 0, err);
        Assert.Contains("\t1", File.ReadAllText(Path.Combine(outDir, "y.beats")));
    }

    [Fact]
    public void DecodeRejectsNaNsWrongShapesAndJunkInOneLine()
    {
        using var dir = new TempDir();
        var nan = new float[300];
        nan[10] = float.NaN;
        NpyFile.Write(dir.File("nan.npy"), nan, 300);
        NpyFile.Write(dir.File("wide.npy"), new float[300], 100, 3);
        File.WriteAllText(dir.File("junk.npy"), "junk");
        var (code, _, err) = CliProcess.Run("decode", "beats", dir.File("nan.npy"), dir.File("wide.npy"), dir.File("junk.npy"), dir.File("missing.npy"));
        Assert.Equal(1, code);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("nan.npy") && l.Contains("NaN"));
        Assert.Contains(lines, l => l.Contains("wide.npy") && l.Contains("shape"));
        Assert.Contains(lines, l => l.Contains("junk.npy") && l.Contains("not a .npy"));
        Assert.Contains(lines, l => l.Contains("missing.npy"));
        Assert.DoesNotContain("   at ", err);
        (code, _, err) = CliProcess.Run("decode", "downbeats", dir.File("wide.npy"));
        Assert.Equal(1, code);
        Assert.Contains("(frames, 2)", err);
        NpyFile.Write(dir.File("zeros.npy"), new float[300], 300);
        (code, _, err) = CliProcess.Run("decode", "beats", dir.File("zeros.npy"));
        Assert.Equal(0, code);
        Assert.Contains("no beats", err);
    }
}
