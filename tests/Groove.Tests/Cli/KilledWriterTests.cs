using System.Diagnostics;
using Groove.Tests.Audio;
using Groove.Tests.Rhythm;
using Groove.Tests.Support;

namespace Groove.Tests.Cli;

/// <summary>
/// Fault injection for the batch writer: <c>groove beats --out</c> killed (SIGKILL) at random points leaves no
/// half-written output, and a re-run finishes the batch with results identical to an uninterrupted run.
/// </summary>
public class KilledWriterTests
{
    [Fact]
    public void Beats_out_killed_at_random_points_leaves_whole_files_and_a_rerun_completes_identically()
    {
        using var dir = new TempDir();
        var inputs = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            var path = dir.File($"song{i}.wav");
            AudioTestFiles.Wav(path, 22050, Signals.ClickTrack(100 + 8 * i, 6, seed: i));
            inputs.Add(path);
        }
        var reference = dir.File("reference");
        var first = CliProcess.Run(["beats", .. inputs, "--out", reference]);
        Assert.Equal(0, first.ExitCode);
        var expected = Directory.GetFiles(reference).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
        Assert.Equal(inputs.Count, expected.Count);

        var rng = new Random(20);
        for (int trial = 0; trial < 3; trial++)
        {
            var outDir = dir.File($"killed{trial}");
            CliProcess.RunAndKillAfter(TimeSpan.FromMilliseconds(rng.Next(300, 2500)), ["beats", .. inputs, "--out", outDir]);
            // Whatever is there under an output's name is whole.
            if (Directory.Exists(outDir))
                foreach (var f in Directory.GetFiles(outDir).Where(f => !Path.GetFileName(f).StartsWith('.')))
                    Assert.Equal(expected[Path.GetFileName(f)!], File.ReadAllText(f));

            var rerun = CliProcess.Run(["beats", .. inputs, "--out", outDir]);
            Assert.Equal(0, rerun.ExitCode);
            var files = Directory.GetFiles(outDir);
            Assert.DoesNotContain(files, f => f.EndsWith(".tmp", StringComparison.Ordinal)); // the killed run's leftovers are gone
            Assert.Equal(expected.Count, files.Length);
            foreach (var f in files) Assert.Equal(expected[Path.GetFileName(f)!], File.ReadAllText(f));
        }
    }

}
