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
        Run(setting, new Dictionary<string, string>(), args);

    /// <summary>Runs the CLI with <paramref name="environment"/> set in its environment (e.g. a PATH with fake tools).</summary>
    public static Result RunWithEnvironment(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Run(VectorSetting.Inherited, environment, args);

    private static Result Run(VectorSetting setting, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "groove.dll");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("GROOVE_DEBUG");
        setting.ApplyTo(psi.Environment);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"groove {string.Join(' ', args)} did not finish in 2 minutes");
        }
        return new Result(p.ExitCode, stdout, stderr.Result);
    }
}
