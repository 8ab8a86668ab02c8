namespace Groove.Tests.Support;

/// <summary>
/// A runtime setting that picks which vector paths a child process uses: the CPU as is, AVX-512 off, or no
/// hardware intrinsics at all (the scalar fallbacks). CI runs the suite under the same three (see <c>.ci/run</c>).
/// </summary>
/// <param name="Name">How test output names the setting.</param>
/// <param name="Variables">The <c>DOTNET_*</c> variables to set; null leaves the parent's environment as it is.</param>
public sealed record VectorSetting(string Name, IReadOnlyDictionary<string, string>? Variables)
{
    /// <summary>Whatever this process was started with (the CLI tests' default).</summary>
    public static readonly VectorSetting Inherited = new("inherited", null);

    /// <summary>The CPU's own instruction sets, with no restriction.</summary>
    public static readonly VectorSetting AsIs = new("as is", new Dictionary<string, string>());

    /// <summary>No AVX-512. .NET 10 reads <c>DOTNET_EnableAVX512</c>; <c>DOTNET_EnableAVX512F</c> is the name
    /// earlier runtimes read (and the one the issue names), so both are set.</summary>
    public static readonly VectorSetting NoAvx512 = new("AVX-512 off", new Dictionary<string, string>
    {
        ["DOTNET_EnableAVX512"] = "0",
        ["DOTNET_EnableAVX512F"] = "0",
    });

    /// <summary>No hardware intrinsics: every kernel takes its scalar fallback.</summary>
    public static readonly VectorSetting Scalar = new("scalar", new Dictionary<string, string> { ["DOTNET_EnableHWIntrinsic"] = "0" });

    /// <summary>The three settings CI runs under.</summary>
    public static IReadOnlyList<VectorSetting> All => [AsIs, NoAvx512, Scalar];

    /// <summary>Removes every instruction-set variable (<c>DOTNET_EnableHWIntrinsic</c>, <c>DOTNET_EnableAVX*</c>,
    /// <c>DOTNET_EnableSSE*</c>, <c>DOTNET_PreferredVectorBitWidth</c>, and their <c>COMPlus_</c> forms) from
    /// <paramref name="environment"/>, then sets this setting's (nothing happens for <see cref="Inherited"/>).</summary>
    public void ApplyTo(IDictionary<string, string?> environment)
    {
        if (Variables == null) return;
        foreach (var key in environment.Keys.Where(IsVectorVariable).ToList()) environment.Remove(key);
        foreach (var (key, value) in Variables) environment[key] = value;
    }

    static readonly IReadOnlyList<string> VectorKnobs = ["EnableHWIntrinsic", "EnableAVX", "EnableSSE", "EnableFMA", "PreferredVectorBitWidth"];

    static bool IsVectorVariable(string name) =>
        VectorKnobs.Any(k => name.StartsWith("DOTNET_" + k, StringComparison.OrdinalIgnoreCase)
                          || name.StartsWith("COMPlus_" + k, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc/>
    public override string ToString() => Name;
}
