using System.Diagnostics;
using Groove.Audio;
using Groove.Tests.Cli;
using Groove.Tests.Support;
using Groove.Tonality;
using Groove.Tonality.Stone;

namespace Groove.Tests.Training;

/// <summary>
/// Fault injection for the training writers (checkpoint, log, weights, CQT cache): <c>groove train stone</c> killed
/// (SIGKILL) at random points, then run again with <c>--resume</c>, ends with weights bit-identical to an
/// uninterrupted run, and never leaves a half-written file under a final name.
/// </summary>
public class KilledTrainingTests
{
    [Fact]
    public void Training_killed_at_random_points_resumes_to_identical_weights()
    {
        using var tmp = new TempDir();
        var music = Directory.CreateDirectory(tmp.File("music")).FullName;
        WavWriter.Write(Path.Combine(music, "c.wav"), AudioBuffer.FromMono(SyntheticCadence.Render(0, KeyMode.Major, secondsPerChord: 0.5), 22050));
        WavWriter.Write(Path.Combine(music, "e.wav"), AudioBuffer.FromMono(SyntheticCadence.Render(4, KeyMode.Minor, secondsPerChord: 0.5), 22050));
        string[] Args(string run, string cache) => ["train", "stone", "--data", music, "--out", run, "--batch", "2", "--excerpt-seconds", "0.5",
            "--width", "4", "--cache", cache, "--checkpoint-every", "1", "--steps", "30", "--resume"];

        var straight = Cli.CliProcess.Run(Args(tmp.File("straight"), tmp.File("cache-straight")));
        Assert.Equal(0, straight.ExitCode);
        var expected = File.ReadAllBytes(Path.Combine(tmp.File("straight"), "stone.safetensors"));

        var rng = new Random(7);
        for (int trial = 0; trial < 2; trial++)
        {
            string run = tmp.File($"killed{trial}"), cache = tmp.File($"cache{trial}");
            for (int kill = 0; kill < 2; kill++)
            {
                CliProcess.RunAndKillAfter(TimeSpan.FromMilliseconds(rng.Next(800, 4000)), Args(run, cache));
                // A checkpoint under its final name is always loadable.
                var checkpoint = Path.Combine(run, "checkpoint.safetensors");
                if (File.Exists(checkpoint)) Groove.Nn.SafeTensors.Load(checkpoint);
            }
            var resumed = Cli.CliProcess.Run(Args(run, cache));
            Assert.True(resumed.ExitCode == 0, resumed.Stderr);
            Assert.Equal(expected, File.ReadAllBytes(Path.Combine(run, "stone.safetensors")));
        }
    }
}
