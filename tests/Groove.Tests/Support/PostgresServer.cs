using System.Diagnostics;
using System.Globalization;

namespace Groove.Tests.Support;

/// <summary>
/// A private, throw-away PostgreSQL server for the index tests: <c>initdb</c> into a temporary folder and
/// <c>pg_ctl start</c> listening only on a Unix socket in that folder (no TCP port, so runs never collide), stopped
/// and deleted on dispose. initdb refuses to run as root, so under root (CI) the server runs as the
/// <c>postgres</c> user that Debian's package creates. No server binaries: a failure naming scripts/install-deps.sh,
/// never a skip. Each test takes a fresh database (<see cref="NewDatabase"/>).
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private const int Port = 5432; // only names the socket file: the server listens on no TCP port
    private readonly string _bin;
    private readonly string _dir;
    private readonly bool _asPostgresUser;
    private int _databases;

    /// <summary>Major version of the server.</summary>
    public string Version { get; }

    public PostgresServer()
    {
        _bin = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin: run scripts/install-deps.sh (it installs postgresql-15)");
        Version = Path.GetFileName(Path.GetDirectoryName(_bin)!);
        _asPostgresUser = Environment.UserName == "root";
        // Under root the folder must be reachable by the postgres user: /tmp itself, whatever TMPDIR says.
        _dir = _asPostgresUser && !OperatingSystem.IsWindows()
            ? Directory.CreateDirectory($"/tmp/groove-pg-{Guid.NewGuid():N}", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName
            : Directory.CreateTempSubdirectory("groove-pg-").FullName;
        try
        {
            if (_asPostgresUser) Run("chown", null, "postgres:", _dir);
            var data = Path.Combine(_dir, "data");
            Run(Path.Combine(_bin, "initdb"), _asPostgresUser, "-D", data, "-U", "postgres", "--auth=trust", "--no-locale", "-E", "UTF8", "--no-sync");
            Run(Path.Combine(_bin, "pg_ctl"), _asPostgresUser, "-D", data, "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "60", "start", "-o",
                $"-k {_dir} -p {Port} -c listen_addresses='' -c fsync=off -c full_page_writes=off -c shared_buffers=16MB -c max_connections=50");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The URL of a new, empty database on this server.</summary>
    public string NewDatabase()
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"t{Interlocked.Increment(ref _databases)}");
        Psql("postgres", $"CREATE DATABASE {name}");
        return Url(name);
    }

    /// <summary>The URL of <paramref name="database"/> (Unix socket folder as a %2F-escaped host).</summary>
    public string Url(string database) => $"postgres://postgres@{Uri.EscapeDataString(_dir)}:{Port}/{database}";

    /// <summary>The Unix socket folder the server listens in.</summary>
    public string SocketFolder => _dir;

    /// <summary>The port number in the socket file's name.</summary>
    public int SocketPort => Port;

    /// <summary>The database a URL of <see cref="NewDatabase"/> names.</summary>
    public static string DatabaseOf(string url) => url[(url.LastIndexOf('/') + 1)..];

    /// <summary>Runs one SQL statement with psql against <paramref name="database"/>; returns its unaligned output.</summary>
    public string Psql(string database, string sql) =>
        Run(Path.Combine(_bin, "psql"), null, "-h", _dir, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", database,
            "-v", "ON_ERROR_STOP=1", "-At", "-c", sql);

    private static string? FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out int v) ? v : 0)
            .FirstOrDefault();
    }

    /// <summary>Runs a program (as the postgres user when <paramref name="asPostgres"/>); throws with its output when it fails.</summary>
    private string Run(string program, bool? asPostgres, params string[] args)
    {
        var psi = new ProcessStartInfo(asPostgres == true ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir ?? Path.GetTempPath(),
        };
        if (asPostgres == true) { psi.ArgumentList.Add("-u"); psi.ArgumentList.Add("postgres"); psi.ArgumentList.Add("--"); psi.ArgumentList.Add(program); }
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            var log = Path.Combine(_dir ?? "", "server.log");
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}{stdout}"
                + (File.Exists(log) ? $"\nserver log:\n{File.ReadAllText(log)}" : ""));
        }
        return stdout.Trim();
    }

    public void Dispose()
    {
        try
        {
            if (File.Exists(Path.Combine(_dir, "data", "postmaster.pid")))
                Run(Path.Combine(_bin, "pg_ctl"), _asPostgresUser, "-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException) { } // already stopped
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The tests that share one <see cref="PostgresServer"/> (started once per test run).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}
