using System.Diagnostics;
using Groove.Tests.Support;

namespace Groove.Tests.KeyData;

/// <summary>
/// scripts/keydata/check_rendered_split.py on key folders laid out as render-all.sh writes them (key files only, no
/// audio): disjoint training and test clips pass, a Nottingham tune or an mma song file present on both sides fails.
/// </summary>
public class RenderedSplitCheckTests
{
    private static (int Code, string Output) Check(string keydata)
    {
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(RepoPaths.Path("scripts", "keydata", "check_rendered_split.py"));
        psi.ArgumentList.Add(keydata);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException("check_rendered_split.py: over 60 s"); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static void Clip(string keydata, string set, string id, string key)
    {
        var dir = Path.Combine(keydata, set, "key");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, id + ".key"), key + "\n");
    }

    [Fact]
    public void DisjointNottinghamClipsPassAndASharedTuneFails()
    {
        using var tmp = new TempDir();
        Clip(tmp.Path, "nottingham-train", "jigs1_0", "D major");
        Clip(tmp.Path, "nottingham-train", "jigs1_3", "E minor");
        Clip(tmp.Path, "nottingham-test", "reels7", "G major");
        Clip(tmp.Path, "nottingham-test-varied", "reels7_0", "Bb major");
        var (ok, okOut) = Check(tmp.Path);
        Assert.True(ok == 0, okOut);
        Assert.Contains("disjoint", okOut);

        Clip(tmp.Path, "nottingham-test-varied", "jigs1_0", "F major");
        var (bad, badOut) = Check(tmp.Path);
        Assert.True(bad == 1, badOut);
        Assert.Contains("jigs1", badOut);
    }

    [Fact]
    public void AnMmaTestSongFiledAsTrainingFails()
    {
        using var tmp = new TempDir();
        var song = Rows("test").First();
        Clip(tmp.Path, "mma-test", song, "C major");
        var (ok, okOut) = Check(tmp.Path);
        Assert.True(ok == 0, okOut);

        // A test song's clip among the training clips: not in the training song list, so it is reported.
        Clip(tmp.Path, "mma-train", song, "C major");
        var (bad, badOut) = Check(tmp.Path);
        Assert.True(bad == 1, badOut);
        Assert.Contains("OVERLAP", badOut);
    }

    private static IEnumerable<string> Rows(string split)
    {
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(RepoPaths.Path("scripts", "keydata", "mma_songs.py"));
        psi.ArgumentList.Add(split);
        using var p = Process.Start(psi)!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]);
    }
}
