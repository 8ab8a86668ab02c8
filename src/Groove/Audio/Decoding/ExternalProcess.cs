using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Groove.Audio.Decoding;

/// <summary>A decoder program that is not installed (or cannot be started).</summary>
internal sealed class ToolMissingException(string tool) : Exception($"{tool} is not installed")
{
    public string Tool { get; } = tool;
}

/// <summary>A decoder program that ran and refused the input; <see cref="Exception.Message"/> is its one-line reason.</summary>
internal sealed class DecoderRefusedException(string tool, string reason) : Exception(reason)
{
    public string Tool { get; } = tool;
}

/// <summary>
/// A child process whose stdout is read as a stream while its stderr is drained in the background (so a chatty
/// tool can never block on a full pipe), and which is killed and reaped on dispose or cancellation.
/// </summary>
internal sealed partial class ExternalProcess : IDisposable
{
    private const int MaxStderrLines = 200;
    private readonly Process _process;
    private readonly List<string> _stderr = [];
    private readonly CancellationTokenRegistration _cancel;
    private bool _disposed;

    public string Tool { get; }

    /// <summary>The child's stdout.</summary>
    public Stream Stdout => _process.StandardOutput.BaseStream;

    private ExternalProcess(string tool, Process process, CancellationToken cancellation)
    {
        Tool = tool;
        _process = process;
        _cancel = cancellation.Register(Kill);
    }

    /// <exception cref="ToolMissingException">The program is not installed.</exception>
    public static ExternalProcess Start(string tool, IEnumerable<string> arguments, CancellationToken cancellation,
        string? workingDirectory = null)
    {
        cancellation.ThrowIfCancellationRequested();
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        var p = new Process { StartInfo = psi };
        var self = new ExternalProcess(tool, p, cancellation);
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (self._stderr)
                if (self._stderr.Count < MaxStderrLines) self._stderr.Add(e.Data);
        };
        try
        {
            p.Start();
        }
        catch (Win32Exception)
        {
            self._cancel.Dispose();
            p.Dispose();
            throw new ToolMissingException(tool);
        }
        p.BeginErrorReadLine();
        p.StandardInput.Close(); // the tools must never wait for a terminal
        return self;
    }

    /// <summary>Waits for the process to end (killing it after <paramref name="timeout"/>) and returns its exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Kill();
            _process.WaitForExit();
            throw new DecoderRefusedException(Tool, $"{Tool} did not finish within {timeout.TotalSeconds:F0} s");
        }
        _process.WaitForExit(); // also waits for stderr to be drained
        return _process.ExitCode;
    }

    /// <summary>The first line of stderr that says something, without ffmpeg's "[codec @ 0x..]" or the file name prefix.</summary>
    public string FirstErrorLine(string path, string fallback)
    {
        string[] lines;
        lock (_stderr) lines = [.. _stderr];
        foreach (var raw in lines)
        {
            var line = ContextPrefix().Replace(raw.Trim(), "");
            foreach (var prefix in new[] { "file:" + path + ":", path + ":" })
                if (line.StartsWith(prefix, StringComparison.Ordinal)) line = line[prefix.Length..].Trim();
            if (line.Length == 0 || line.StartsWith("Conversion failed", StringComparison.Ordinal)) continue;
            return line;
        }
        return fallback;
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { } // never started or already reaped
        catch (Win32Exception) { }             // exited meanwhile
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _cancel.Dispose();
        Kill();
        try { _process.WaitForExit(); } catch (InvalidOperationException) { }
        _process.Dispose();
    }

    [GeneratedRegex(@"^(\[[^\]]* @ (0x)?[0-9a-fA-F]+\]\s*)+")]
    private static partial Regex ContextPrefix();
}
