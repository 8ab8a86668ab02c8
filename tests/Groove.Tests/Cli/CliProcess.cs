using System.Diagnostics;
using Groove.Tests.Support;

namespace Groove.Tests.Cli;

/// <summary>Runs the built <c>groove</c> CLI as a separate process, as a user would, capturing its output.</summary>
internal static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static Result Run(params string[] args) => Run(VectorSetting.Inherited, args);

    /// <summary>Runs the CLI with the runtime's vector settings of <paramref name="setting"/> (its
    /// <c>DOTNET_Enable*</c> variables replace any this process has, so the child's vector paths are the setting's
    /// whatever this test run itself is under).</summary>
    public static Result Run(VectorSetting setting, params string[] args) =>
        Run(setting, new Dictionary<string, string>(), null, args);

    /// <summary>Runs the CLI with <paramref name="environment"/> set in its environment (e.g. a PATH with fake tools).</summary>
    public static Result RunWithEnvironment(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Run(VectorSetting.Inherited, environment, null, args);

    /// <summary>Runs with the bytes of <paramref name="stdinFile"/> piped into standard input (null: no input, closed at once).</summary>
    public static Result RunWithInput(string? stdinFile, params string[] args) =>
        Run(VectorSetting.Inherited, new Dictionary<string, string>(), stdinFile, args);

    /// <summary>Starts the CLI and kills it (with its children) if it is still running after <paramref name="delay"/>:
    /// the fault-injection tests use it to stop writers and training at random points.</summary>
    public static void RunAndKillAfter(TimeSpan delay, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "groove.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var drainOut = p.StandardOutput.ReadToEndAsync();
        var drainErr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(delay))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
        Task.WaitAll(drainOut, drainErr);
    }

    private static Result Run(VectorSetting setting, IReadOnlyDictionary<string, string> environment, string? stdinFile, string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "groove.dll");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("GROOVE_DEBUG");
        setting.ApplyTo(psi.Environment);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var feed = Task.Run(() =>
        {
            try
            {
                if (stdinFile is not null)
                    using (var f = File.OpenRead(stdinFile)) f.CopyTo(p.StandardInput.BaseStream);
                p.StandardInput.Close();
            }
            catch (IOException) { } // it stopped reading
        });
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"groove {string.Join(' ', args)} did not finish in 2 minutes");
        }
        return new Result(p.ExitCode, stdout, stderr.Result);
    }
}
