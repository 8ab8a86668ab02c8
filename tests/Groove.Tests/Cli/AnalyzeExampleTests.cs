using System.Globalization;
using System.Text.RegularExpressions;
using Groove.Tests.Support;

namespace Groove.Tests.Cli;

/// <summary>The README's first quick-start command: <c>groove analyze</c> on the bundled example.</summary>
public class AnalyzeExampleTests
{
    [Fact]
    public void AnalyzeOnTheBundledExampleFindsItsKnownTempoAndKey()
    {
        // examples/README.md: 120 BPM, 4/4, G major, beats every 0.5 s.
        var r = CliProcess.Run("analyze", RepoPaths.Path("examples", "groove-example.wav"));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        var tempo = double.Parse(Regex.Match(r.Stdout, @"tempo\s+([0-9.]+) BPM").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(tempo, 120 * 0.96, 120 * 1.04);
        Assert.Matches(@"key\s+G major", r.Stdout);
        int beats = int.Parse(Regex.Match(r.Stdout, @"beats\s+(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(beats, 40, 46);
    }
}
