using System.CommandLine;
using System.Globalization;
using System.Text;
using Groove.Audio;
using Groove.Cli.Infrastructure;
using Groove.Nn.Kernels;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove info FILE...</c>: format and codec, exact duration, sample rate, channels and peak level of each file
/// (decoded in full, in constant memory, so it works on files of any length); warns about silent files.
/// With <c>--header</c> it reads only what the header says (fast, no peak).
/// Without files it describes the machine instead: processor count and the vector paths the kernels use
/// (<see cref="VectorPaths"/>: AVX-512, AVX2+FMA or scalar).
/// </summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Audio files (none: describe this machine's processors and vector paths)", Arity = ArgumentArity.ZeroOrMore };
        var headerOnly = new Option<bool>("--header") { Description = "Read only the header: no decoding, no peak level" };
        var cmd = new Command("info", "Show format, duration, sample rate, channels and peak level of audio files; without files, the processors and vector paths in use") { files, headerOnly };
        cmd.SetAction(parse =>
        {
            var inputs = parse.GetValue(files) ?? [];
            bool header = parse.GetValue(headerOnly);
            if (inputs.Length == 0)
            {
                Console.Out.Write(Machine());
                return 0;
            }
            return BatchRunner.Run(inputs, new BatchOptions(Description: "Reading"), item =>
            {
                if (header)
                {
                    var info = AudioFile.Probe(item.InputPath);
                    return Describe(item.InputPath, info, info.Duration, null);
                }
                var scan = AudioFile.Scan(item.InputPath, item.Warn);
                return Describe(item.InputPath, scan.Info, scan.Duration, scan.PeakDbfs);
            });
        });
        return cmd;
    }

    private static string Describe(string path, AudioFileInfo info, double? duration, double? peakDbfs)
    {
        var ic = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(path);
        sb.AppendLine(string.Create(ic, $"  format       {info.Format}, {info.Codec} (decoded by {info.Decoder})"));
        sb.AppendLine(duration is { } d
            ? string.Create(ic, $"  duration     {d:F3} s ({Clock(d)})")
            : "  duration     unknown");
        sb.AppendLine(string.Create(ic, $"  sample rate  {info.SampleRate} Hz, {info.Channels} channel{(info.Channels == 1 ? "" : "s")}"));
        if (peakDbfs is { } p)
            sb.AppendLine(double.IsNegativeInfinity(p) ? "  peak         -inf dBFS (digital silence)" : string.Create(ic, $"  peak         {p:F1} dBFS"));
        return sb.ToString();
    }

    /// <summary>The machine: runtime, processor count and which vector path each kind of kernel dispatches to.</summary>
    internal static string Machine()
    {
        var ic = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(ic, $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}"));
        sb.AppendLine(string.Create(ic, $"  processors   {Environment.ProcessorCount}"));
        sb.AppendLine($"  vectors      {VectorPaths.Cpu}");
        sb.AppendLine($"  sgemm        {VectorPaths.Sgemm}");
        sb.AppendLine($"  fft          {VectorPaths.Fft}");
        sb.AppendLine($"  nn kernels   {VectorPaths.NnKernels} (GRU, activations)");
        sb.AppendLine($"  tensor ops   {VectorPaths.TensorOps} (sums, dot products, element-wise)");
        return sb.ToString();
    }

    private static string Clock(double seconds)
    {
        var t = TimeSpan.FromSeconds(seconds);
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}.{t.Milliseconds / 10:D2}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:D2}.{t.Milliseconds / 10:D2}");
    }
}
