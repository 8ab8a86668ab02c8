using Npgsql;

namespace Groove.Index;

/// <summary>
/// Reads where a PostgreSQL index lives: a URL in libpq's form, <c>postgres[ql]://[user[:password]@][host][:port][/database][?param=value&amp;...]</c>
/// (a host that starts with <c>/</c>, written <c>%2F</c> in the host part or given as <c>?host=/dir</c>, is a Unix
/// socket folder), or an Npgsql connection string (<c>Host=...;Database=...</c>). Parameters: host, port, user,
/// password, dbname, sslmode, connect_timeout, application_name, search_path.
/// </summary>
public static class PostgresLocation
{
    /// <summary>True when <paramref name="location"/> names a PostgreSQL index rather than a file.</summary>
    public static bool Is(string location) =>
        location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || (location.Contains(';') && location.TrimStart().StartsWith("host=", StringComparison.OrdinalIgnoreCase));

    /// <summary>The connection settings <paramref name="location"/> names.</summary>
    /// <exception cref="GrooveException">Not a valid URL or connection string (one line).</exception>
    public static NpgsqlConnectionStringBuilder Parse(string location)
    {
        NpgsqlConnectionStringBuilder b;
        int scheme = location.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            try { b = new NpgsqlConnectionStringBuilder(location); }
            catch (ArgumentException e) { throw new GrooveException($"bad PostgreSQL connection string: {e.Message}"); }
        }
        else b = FromUrl(location, location[(scheme + 3)..]);
        if (string.IsNullOrEmpty(b.Host)) b.Host = "localhost";
        if (string.IsNullOrEmpty(b.Database)) throw new GrooveException($"{Describe(b)}: no database named (postgres://user@host/DATABASE)");
        if (!location.Contains("timeout", StringComparison.OrdinalIgnoreCase)) b.Timeout = 10; // an unreachable server fails in seconds
        b.Pooling = false;
        return b;
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string url, string rest)
    {
        var b = new NpgsqlConnectionStringBuilder();
        string query = "";
        int q = rest.IndexOf('?');
        if (q >= 0) (rest, query) = (rest[..q], rest[(q + 1)..]);
        int slash = rest.IndexOf('/');
        string authority = slash < 0 ? rest : rest[..slash];
        if (slash >= 0) b.Database = Decode(rest[(slash + 1)..]);
        int at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            int colon = userInfo.IndexOf(':');
            b.Username = Decode(colon < 0 ? userInfo : userInfo[..colon]);
            if (colon >= 0) b.Password = Decode(userInfo[(colon + 1)..]);
        }
        // host[:port], [ipv6][:port], or %2F-encoded socket folder
        int portColon = authority.StartsWith('[') ? authority.IndexOf("]:", StringComparison.Ordinal) + 1 : authority.LastIndexOf(':');
        if (portColon > 0)
        {
            b.Port = PortNumber(url, authority[(portColon + 1)..]);
            authority = authority[..portColon];
        }
        if (authority.Length > 0) b.Host = Decode(authority.Trim('[', ']'));
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            if (eq < 0) throw new GrooveException($"{Redact(url)}: parameter '{pair}' has no value");
            var (name, value) = (pair[..eq], Decode(pair[(eq + 1)..]));
            switch (name)
            {
                case "host": b.Host = value; break;
                case "port": b.Port = PortNumber(url, value); break;
                case "user": b.Username = value; break;
                case "password": b.Password = value; break;
                case "dbname": b.Database = value; break;
                case "sslmode":
                    if (!Enum.TryParse<SslMode>(value, ignoreCase: true, out var mode)) throw new GrooveException($"{Redact(url)}: unknown sslmode '{value}'");
                    b.SslMode = mode;
                    break;
                case "connect_timeout": b.Timeout = PositiveInt(url, name, value); break;
                case "application_name": b.ApplicationName = value; break;
                case "search_path": b.SearchPath = value; break;
                default: throw new GrooveException($"{Redact(url)}: unknown parameter '{name}' (known: host, port, user, password, dbname, sslmode, connect_timeout, application_name, search_path)");
            }
        }
        return b;
    }

    private static string Decode(string s)
    {
        try { return Uri.UnescapeDataString(s); }
        catch (UriFormatException) { throw new GrooveException($"bad %-escape in '{s}'"); }
    }

    private static int PortNumber(string url, string s) =>
        int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int p) && p is > 0 and < 65536
            ? p : throw new GrooveException($"{Redact(url)}: bad port '{s}'");

    private static int PositiveInt(string url, string name, string s) =>
        int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) && v > 0
            ? v : throw new GrooveException($"{Redact(url)}: bad {name} '{s}'");

    /// <summary>The URL with any password replaced by <c>***</c>.</summary>
    private static string Redact(string url)
    {
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        int at = url.IndexOf('@', scheme + 3);
        int colon = url.IndexOf(':', scheme + 3);
        var redacted = at > 0 && colon > 0 && colon < at ? url[..(colon + 1)] + "***" + url[at..] : url;
        int pw = redacted.IndexOf("password=", StringComparison.Ordinal);
        if (pw >= 0)
        {
            int end = redacted.IndexOf('&', pw);
            redacted = redacted[..(pw + 9)] + "***" + (end < 0 ? "" : redacted[end..]);
        }
        return redacted;
    }

    /// <summary>How the index is shown to users: <c>postgres://user@host:port/database</c>, never the password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder b) =>
        $"postgres://{(string.IsNullOrEmpty(b.Username) ? "" : Uri.EscapeDataString(b.Username) + "@")}{(b.Host ?? "").Replace("/", "%2F", StringComparison.Ordinal)}:{b.Port}/{b.Database}";
}
