using System.Data.Common;
using Npgsql;

namespace Groove.Index;

/// <summary>
/// The shared-catalogue <see cref="ITrackIndex"/>: the same schema and statements as the SQLite file
/// (<see cref="SqlTrackIndex"/>) in a PostgreSQL database (Npgsql), so several machines can fill and query one
/// library. Each write is one transaction that first takes a transaction-level advisory lock, which PostgreSQL drops
/// when the transaction ends or the client dies — writers queue as they do on SQLite, and a killed writer's track is
/// rolled back. Searching loads the vectors and ranks them exactly in this process (<see cref="VectorSearch"/>).
/// </summary>
public sealed class PostgresTrackIndex : SqlTrackIndex
{
    /// <summary>Advisory-lock key of index writes ("groove" in ASCII).</summary>
    private const long WriteLockKey = 0x67726F6F7665;

    private readonly NpgsqlConnection _db;
    private readonly string _connectionString;

    private PostgresTrackIndex(string location, string connectionString, NpgsqlConnection db) : base(location, db)
    {
        _db = db;
        _connectionString = connectionString;
    }

    /// <summary>Connects to the index at <paramref name="location"/> (a URL or connection string, see <see cref="PostgresLocation"/>), creating its tables when absent.</summary>
    /// <exception cref="GrooveException">Bad location, server unreachable, login refused, no such database, or another schema version: one line.</exception>
    public static PostgresTrackIndex Open(string location)
    {
        var settings = PostgresLocation.Parse(location);
        var shown = PostgresLocation.Describe(settings);
        var db = new NpgsqlConnection(settings.ConnectionString);
        try
        {
            db.Open();
            var index = new PostgresTrackIndex(shown, settings.ConnectionString, db);
            index.Initialise();
            return index;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            db.Dispose();
            throw new GrooveException($"{shown}: cannot open the PostgreSQL index ({OneLine(e)})");
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>The exception's message with its inner causes, on one line.</summary>
    private static string OneLine(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
        {
            var m = x.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
            if (m.Length > 0 && !parts.Any(p => p.Contains(m, StringComparison.Ordinal))) parts.Add(m);
        }
        return string.Join(": ", parts);
    }

    private protected override (string Id, string Real, string Blob) ColumnTypes => ("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "DOUBLE PRECISION", "BYTEA");

    private protected override DbTransaction BeginWrite()
    {
        var tx = _db.BeginTransaction();
        try
        {
            using var c = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k)", _db, tx);
            c.Parameters.AddWithValue("k", WriteLockKey);
            c.ExecuteNonQuery();
            return tx;
        }
        catch
        {
            tx.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Takes the session-level advisory lock named <paramref name="name"/> on a connection of its own, held until the
    /// result is disposed or this process dies (PostgreSQL drops it with the connection); null when another client holds it.
    /// </summary>
    public IDisposable? TryLock(string name)
    {
        var c = new NpgsqlConnection(_connectionString);
        try
        {
            c.Open();
            using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended(@n, 0))", c);
            cmd.Parameters.AddWithValue("n", name);
            if (cmd.ExecuteScalar() is true) return c;
            c.Dispose();
            return null;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }
}
