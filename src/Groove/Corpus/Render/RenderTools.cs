using System.Diagnostics;

namespace Groove.Corpus.Render;

/// <summary>Runs the command-line programs a render needs (mma, fluidsynth, sox, ffmpeg) and turns a failure into one line.</summary>
internal static class RenderTools
{
    /// <summary>Programs and the Debian packages that install them.</summary>
    public static readonly (string Program, string Package)[] Required =
        [("fluidsynth", "fluidsynth"), ("sox", "sox"), ("ffmpeg", "ffmpeg")];

    /// <summary>Runs <paramref name="program"/> and waits; throws <see cref="GrooveException"/> on a non-zero exit or after <paramref name="timeoutSeconds"/>.</summary>
    public static void Run(string program, IReadOnlyList<string> args, CancellationToken ct, double timeoutSeconds = 300)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new GrooveException($"cannot start {program}");
        var stderr = p.StandardError.ReadToEndAsync(ct);
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        try { p.WaitForExitAsync(timeout.Token).GetAwaiter().GetResult(); }
        catch (OperationCanceledException)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            if (ct.IsCancellationRequested) throw;
            throw new GrooveException($"{program} ran longer than {timeoutSeconds:F0} s");
        }
        string err = stderr.GetAwaiter().GetResult();
        stdout.GetAwaiter().GetResult();
        if (p.ExitCode != 0)
        {
            var last = err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
            throw new GrooveException($"{program} failed (exit {p.ExitCode}): {last}");
        }
    }
}
