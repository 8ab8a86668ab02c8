using System.Globalization;
using System.Text.RegularExpressions;
using Groove.Tests.Support;
using Groove.Nn.Kernels;

namespace Groove.Tests.Cli;

/// <summary><c>groove info</c> without files: the processor count and the vector path each kernel dispatches to,
/// run as a child process so that the runtime's <c>DOTNET_Enable*</c> settings take effect.</summary>
public class VectorPathsTests
{
    static readonly string[] Paths = ["vectors", "sgemm", "fft", "nn kernels", "tensor ops"];

    /// <summary>"  name   value ..." lines of <c>groove info</c> → name → first word of the value.</summary>
    static Dictionary<string, string> Info(VectorSetting setting)
    {
        var r = CliProcess.Run(setting, "info");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        var lines = new Dictionary<string, string>();
        foreach (Match m in Regex.Matches(r.Stdout, @"^  (\S+(?: \S+)?) {2,}(\S+)", RegexOptions.Multiline))
            lines[m.Groups[1].Value] = m.Groups[2].Value;
        foreach (var p in Paths.Append("processors")) Assert.True(lines.ContainsKey(p), $"groove info ({setting}) has no '{p}' line:\n{r.Stdout}");
        return lines;
    }

    /// <summary>The CPU's flags from /proc/cpuinfo (Linux; empty elsewhere): an oracle independent of the runtime.</summary>
    static HashSet<string> CpuFlags()
    {
        if (!File.Exists("/proc/cpuinfo")) return [];
        var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
        return flags == null ? [] : [.. flags[(flags.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)];
    }

    [Fact]
    public void AsIsItNamesTheProcessorCountAndTheCpusVectorPaths()
    {
        var info = Info(VectorSetting.AsIs);
        Assert.Equal(Environment.ProcessorCount, int.Parse(info["processors"], CultureInfo.InvariantCulture));
        var flags = CpuFlags();
        bool avx2Fma = flags.Contains("avx2") && flags.Contains("fma");
        if (avx2Fma)
        {
            // The engine's kernels take their 512-bit path where the runtime accelerates 512-bit vectors (AVX-512
            // present and not turned off), else the AVX2+FMA one; the FFT is 256-bit either way.
            string engine = info["vectors"] == "AVX-512" ? "AVX-512" : "AVX2+FMA";
            Assert.Equal(engine, info["sgemm"]);
            Assert.Equal("AVX2+FMA", info["fft"]);
            Assert.Equal(engine, info["nn kernels"]);
        }
        if (!flags.Contains("avx512f"))
        {
            Assert.NotEqual("AVX-512", info["vectors"]);
            Assert.NotEqual("AVX-512", info["tensor ops"]);
            if (avx2Fma) { Assert.Equal("AVX2+FMA", info["vectors"]); Assert.Equal("AVX2", info["tensor ops"]); }
        }
    }

    [Fact]
    public void WithAvx512OffNothingUsesAvx512()
    {
        var info = Info(VectorSetting.NoAvx512);
        Assert.NotEqual("AVX-512", info["vectors"]);
        Assert.NotEqual("AVX-512", info["tensor ops"]);
        var flags = CpuFlags();
        if (flags.Contains("avx2") && flags.Contains("fma"))
        {
            Assert.Equal("AVX2+FMA", info["vectors"]);
            Assert.Equal("AVX2+FMA", info["sgemm"]);
            Assert.Equal("AVX2+FMA", info["nn kernels"]);
            Assert.Equal("AVX2", info["tensor ops"]);
        }
    }

    [Fact]
    public void WithoutHardwareIntrinsicsEveryPathIsScalar()
    {
        var info = Info(VectorSetting.Scalar);
        foreach (var p in Paths) Assert.Equal("scalar", info[p]);
        Assert.Equal(Environment.ProcessorCount, int.Parse(info["processors"], CultureInfo.InvariantCulture));
    }
}
