using System.Diagnostics;
using Groove.Audio;

using Groove.Tests.Support;

namespace Groove.Tests.Audio;

/// <summary>Makes audio files for tests with ffmpeg (generated on the fly, never committed).</summary>
internal static class AudioTestFiles
{
    /// <summary>Runs ffmpeg with <paramref name="args"/> (after "-v error -y") and fails the test if it fails.</summary>
    public static void Ffmpeg(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-nostdin", "-v", "error", "-y" }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ffmpeg {string.Join(' ', args)} failed: {err}");
    }

    /// <summary>A stereo test signal (440 Hz left, 660 Hz right) encoded by ffmpeg into <paramref name="path"/>.</summary>
    public static void Encode(string path, double seconds, int rate = 44100, params string[] codecArgs) =>
        Ffmpeg([
            "-f", "lavfi", "-i", $"sine=frequency=440:sample_rate={rate}:duration={seconds}",
            "-f", "lavfi", "-i", $"sine=frequency=660:sample_rate={rate}:duration={seconds}",
            "-filter_complex", "[0:a][1:a]join=inputs=2:channel_layout=stereo[a]", "-map", "[a]", .. codecArgs, path]);

    /// <summary>Writes a WAV with <see cref="WavWriter"/>.</summary>
    public static void Wav(string path, int rate, params float[][] channels) =>
        WavWriter.Write(path, new AudioBuffer(channels, rate), WavSampleFormat.Float32);

}
