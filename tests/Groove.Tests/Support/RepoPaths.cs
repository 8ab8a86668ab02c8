namespace Groove.Tests.Support;

/// <summary>Paths inside this repository (examples, models).</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootDir = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Groove.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("repository root (Groove.slnx) not found");
    });

    public static string Root => RootDir.Value;
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}
