using System.Diagnostics;

namespace Groove.Tests.Rhythm;

/// <summary>Runs the built <c>groove</c> CLI (copied beside the tests) as a child process.</summary>
internal static class CliRunner
{
    public static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "groove.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("groove did not finish in 120 s"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>Synthetic test signals.</summary>
internal static class Signals
{
    /// <summary>Decaying noise bursts (with a low thump every <paramref name="accentEvery"/>-th) at <paramref name="bpm"/>.</summary>
    public static float[] ClickTrack(double bpm, double seconds, int sr = 22050, int accentEvery = 4, double offset = 0.1, int seed = 3)
    {
        var rng = new Random(seed);
        var x = new float[(int)(seconds * sr)];
        double period = 60 / bpm;
        int k = 0;
        for (double t = offset; t < seconds; t += period, k++)
        {
            int start = (int)(t * sr);
            bool accent = k % accentEvery == 0;
            for (int i = 0; i < sr / 10 && start + i < x.Length; i++)
            {
                double env = Math.Exp(-i / (sr * 0.015));
                double v = 0.5 * env * (rng.NextDouble() * 2 - 1);
                if (accent) v += 0.4 * Math.Exp(-i / (sr * 0.05)) * Math.Sin(2 * Math.PI * 60 * i / sr);
                x[start + i] += (float)v;
            }
        }
        return x;
    }
}
