using System.Text.Json;
using Groove.Tests.Support;
using Groove.Nn.Kernels;

namespace Groove.Tests.Cli;

/// <summary>
/// <c>groove analyze</c> on the bundled example gives the same answer on every vector path: the CPU as is, AVX-512
/// off, and the scalar fallbacks (each in a child process so the runtime setting takes effect). Sums and dot
/// products round differently at each vector width, so results may differ in their last bits, never in substance.
/// </summary>
public class AnalyzeAcrossVectorPathsTests
{
    sealed record Analysis(double Tempo, string Key, double[] BeatTimes, int[] BeatInBar);

    static Analysis Analyze(VectorSetting setting)
    {
        var r = CliProcess.Run(setting, "analyze", "--json", RepoPaths.Path("examples", "groove-example.wav"));
        Assert.True(r.ExitCode == 0, $"groove analyze ({setting}) exited with {r.ExitCode}: {r.Stderr}");
        Assert.Equal("", r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        var beats = root.GetProperty("beats").EnumerateArray().ToArray();
        return new Analysis(root.GetProperty("tempo").GetDouble(), root.GetProperty("key").GetString()!,
            [.. beats.Select(b => b.GetProperty("time").GetDouble())], [.. beats.Select(b => b.GetProperty("beat").GetInt32())]);
    }

    [Fact]
    public void BeatsTempoAndKeyAgreeUnderEveryVectorSetting()
    {
        var runs = VectorSetting.All.Select(s => (Setting: s, Result: Analyze(s))).ToList();
        var (_, reference) = runs[0];
        Assert.Equal("G major", reference.Key);               // examples/README.md: 120 BPM, G major
        Assert.InRange(reference.BeatTimes.Length, 40, 46);
        foreach (var (setting, a) in runs.Skip(1))
        {
            Assert.True(reference.Key == a.Key, $"key {a.Key} ({setting}) vs {reference.Key} (as is)");
            // The bounds: tempo within 0.1 BPM, every beat within 1 ms (analyze --json prints 0.1 ms).
            Assert.True(Math.Abs(reference.Tempo - a.Tempo) <= 0.1, $"tempo {a.Tempo} ({setting}) vs {reference.Tempo} (as is)");
            Assert.True(reference.BeatTimes.Length == a.BeatTimes.Length, $"{a.BeatTimes.Length} beats ({setting}) vs {reference.BeatTimes.Length} (as is)");
            for (int i = 0; i < a.BeatTimes.Length; i++)
                Assert.True(Math.Abs(reference.BeatTimes[i] - a.BeatTimes[i]) <= 0.001,
                    $"beat {i}: {a.BeatTimes[i]:F4} s ({setting}) vs {reference.BeatTimes[i]:F4} s (as is)");
            Assert.Equal(reference.BeatInBar, a.BeatInBar);
        }
    }
}
