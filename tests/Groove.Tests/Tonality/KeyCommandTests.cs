using Groove.Analysis;
using System.Globalization;
using System.Text.Json;
using Groove.Audio;
using Groove.Cli;
using Groove.IO.Annotations;
using Groove.Tests.Support;
using Groove.Tonality;

namespace Groove.Tests.Tonality;

[Collection("Console")]
public class KeyCommandTests
{
    private static string Clip(string id) => SharedData.Path("data", "dev", "gtzan20", "audio", id + ".wav");

    [Fact]
    public void WritesAKeyFileThatTheKeyReaderAccepts()
    {
        using var tmp = new TempDir();
        int rc = Program.Main(["key", Clip("gtzan_jazz_00001"), "--out", tmp.Path, "--local"]);
        Assert.Equal(0, rc);
        var path = tmp.File("gtzan_jazz_00001.key");
        var lines = File.ReadAllLines(path);
        // The file holds what the library's default estimates for the clip, in the form the annotation reader reads.
        var expected = new Analyzer(new AnalysisOptions { Beats = false }).Analyze(Clip("gtzan_jazz_00001")).Key!.Global;
        Assert.Equal(expected.Key.ToString(), lines[0]);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"# confidence {expected.Confidence:0.000}"), lines[1]);
        Assert.Contains(lines, l => l.StartsWith("# local 0.00 "));
        Assert.Equal(expected.Key, KeyAnnotations.Read(path));
    }

    [Fact]
    public void JsonHasTheProbabilitiesAndTheLocalCurve()
    {
        using var tmp = new TempDir();
        int rc = Program.Main(["key", Clip("gtzan_reggae_00001"), "--out", tmp.Path, "--json", "--profile", "krumhansl"]);
        Assert.Equal(0, rc);
        using var doc = JsonDocument.Parse(File.ReadAllText(tmp.File("gtzan_reggae_00001.key.json")));
        var root = doc.RootElement;
        Assert.Equal("krumhansl", root.GetProperty("profile").GetString());
        var probs = root.GetProperty("probabilities").EnumerateObject().ToList();
        Assert.Equal(24, probs.Count);
        Assert.Equal(1.0, probs.Sum(p => p.Value.GetDouble()), 2);
        Assert.Equal(root.GetProperty("key").GetString(), probs.MaxBy(p => p.Value.GetDouble()).Name);
        Assert.True(root.GetProperty("local").GetArrayLength() >= 10);
    }

    [Fact]
    public void BadInputsFailWithOneLineAndOthersGoOn()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("notaudio.wav"), "hello");
        int rc = Program.Main(["key", tmp.File("notaudio.wav"), Clip("gtzan_pop_00001"), "--out", tmp.Path]);
        Assert.Equal(1, rc);
        Assert.True(File.Exists(tmp.File("gtzan_pop_00001.key")));
        Assert.False(File.Exists(tmp.File("notaudio.key")));
        Assert.Equal(1, Program.Main(["key", Clip("gtzan_pop_00001"), "--profile", "nope"]));
    }

    [Fact]
    public void MethodSelectsTheEstimatorAndJsonNamesIt()
    {
        using var tmp = new TempDir();
        foreach (var m in KeyMethods.All)
        {
            var dir = Path.Combine(tmp.Path, m.Name);
            Assert.Equal(0, Program.Main(["key", Clip("gtzan_jazz_00001"), "--out", dir, "--json", "--method", m.Name]));
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "gtzan_jazz_00001.key.json")));
            Assert.Equal(m.Name, doc.RootElement.GetProperty("method").GetString());
            Assert.Equal(m.Options.Profile.Name, doc.RootElement.GetProperty("profile").GetString());
            // the CLI's answer is the library's for these options
            var expected = new ProfileKeyEstimator(m.Options).Estimate(AudioFile.Load(Clip("gtzan_jazz_00001"))).Key;
            Assert.Equal(expected.ToString(), doc.RootElement.GetProperty("key").GetString());
        }
        Assert.Equal(1, Program.Main(["key", Clip("gtzan_pop_00001"), "--method", "nope"]));
    }
}
