using System.Buffers.Binary;
using Groove.Audio;
using Groove.Tests.Support;

namespace Groove.Tests.Audio;

public class AudioScanPeakTests
{
    [Fact]
    public void PeakIsTheLargestMagnitudeEvenWhenItIsNegative()
    {
        // Samples whose largest magnitude is negative (-0.5) must not read as silence.
        using var dir = new TempDir();
        var path = dir.File("negative-peak.wav");
        short[] samples = [0, 100, -16384, 200, -50];
        var data = new byte[samples.Length * 2];
        for (int i = 0; i < samples.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(i * 2), samples[i]);
        File.WriteAllBytes(path, new WavBytes().Build(data));
        var warnings = new List<string>();
        var scan = AudioFile.Scan(path, warnings.Add);
        Assert.Equal(-6.02, scan.PeakDbfs, 2);
        Assert.Empty(warnings);
    }

    [Fact]
    public void MadmomSampleIsNotSilent()
    {
        var warnings = new List<string>();
        var scan = AudioFile.Scan(SharedData.Path("data", "dev", "madmom", "sample.wav"), warnings.Add);
        Assert.True(scan.PeakDbfs > -20, $"peak {scan.PeakDbfs} dBFS");
        Assert.DoesNotContain(warnings, w => w.Contains("silent"));
    }
}
