namespace Groove.Web;

/// <summary>Settings of the Groove web app (<c>groove serve</c>).</summary>
public sealed record GrooveWebOptions
{
    /// <summary>Address to listen on: an IP address, "localhost", or "*" for every interface. Default: loopback only.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port (0: any free port; read the chosen one from <see cref="GrooveWebApp.ListeningUrls"/>).</summary>
    public int Port { get; init; } = 5000;

    /// <summary>Folder for uploaded songs and their results (created if missing).</summary>
    public string DataDirectory { get; init; } = DefaultDataDirectory();

    /// <summary>Largest accepted upload in bytes (default 100 MB).</summary>
    public long MaxUploadBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>Longest song accepted (default 30 minutes): longer uploads are refused as soon as their header is read.</summary>
    public TimeSpan MaxDuration { get; init; } = Groove.Audio.AudioLoadOptions.DefaultMaxDuration;

    /// <summary>Analyses that run at once (default: half the cores, at least 1, at most 4).</summary>
    public int Workers { get; init; } = Math.Clamp(Environment.ProcessorCount / 2, 1, 4);

    /// <summary>Uploads that may wait for a worker; beyond that the server answers 503 "busy" (default 8).</summary>
    public int QueueCapacity { get; init; } = 8;

    /// <summary>Jobs older than this are deleted (default one day).</summary>
    public TimeSpan MaxJobAge { get; init; } = TimeSpan.FromDays(1);

    /// <summary>When stored jobs take more than this, the oldest finished ones are deleted (default 5 GB).</summary>
    public long MaxStoredBytes { get; init; } = 5L * 1024 * 1024 * 1024;

    /// <summary>How often old jobs are cleaned up (default every 10 minutes; also at start-up).</summary>
    public TimeSpan CleanupInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Library index to search for songs like an upload (an SQLite file or a PostgreSQL URL; null: no library search).</summary>
    public string? LibraryIndex { get; init; }

    /// <summary>Write request and error logs to the console.</summary>
    public bool ConsoleLog { get; init; }

    /// <summary><c>$XDG_DATA_HOME/groove/web</c>, or <c>~/.local/share/groove/web</c>.</summary>
    public static string DefaultDataDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = !string.IsNullOrEmpty(xdg) ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(root, "groove", "web");
    }

    internal void Validate()
    {
        if (Port is < 0 or > 65535) throw new GrooveException($"port {Port} is out of range (0-65535)");
        if (MaxUploadBytes < 1024) throw new GrooveException("the upload limit must be at least 1 KB");
        if (MaxDuration <= TimeSpan.Zero) throw new GrooveException("the longest accepted song must be longer than zero");
        if (Workers < 1) throw new GrooveException("at least one worker is needed");
        if (QueueCapacity < 0) throw new GrooveException("the queue capacity cannot be negative");
        if (string.IsNullOrWhiteSpace(DataDirectory)) throw new GrooveException("no data directory given");
    }
}
