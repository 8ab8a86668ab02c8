namespace Groove.Tests.Support;

/// <summary>
/// Locates <c>../shared</c> (data and conformance files beside the checkout). Tests that need it fail loudly when it
/// is missing: CI always has it, and a silently skipped check is no check.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string> RootDir = new(FindRoot);

    public static string Root => RootDir.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("GROOVE_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared");
            if (File.Exists(System.IO.Path.Combine(candidate, "README.md")) && Directory.Exists(System.IO.Path.Combine(candidate, "conformance")))
                return candidate;
        }
        throw new DirectoryNotFoundException("../shared (Groove's data and conformance folder) was not found beside the checkout; set GROOVE_SHARED");
    }
}
