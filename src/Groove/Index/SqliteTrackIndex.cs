using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Groove.Index;

/// <summary>
/// The embedded <see cref="ITrackIndex"/>: one SQLite file (Microsoft.Data.Sqlite) in WAL mode, so readers never
/// block the writer and a killed writer loses at most the track it was writing. Schema and statements:
/// <see cref="SqlTrackIndex"/>; a write transaction is <c>BEGIN IMMEDIATE</c> (SQLite's one writer at a time).
/// </summary>
public sealed class SqliteTrackIndex : SqlTrackIndex
{
    private readonly SqliteConnection _db;

    private SqliteTrackIndex(string path, SqliteConnection db) : base(path, db) => _db = db;

    /// <summary>Opens (creating when absent) the index file at <paramref name="path"/>.</summary>
    public static SqliteTrackIndex Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir)) throw new GrooveException($"{path}: no such folder for the index");
        if (Directory.Exists(full)) throw new GrooveException($"{path}: is a folder, not an index file");
        var cs = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = 30 }.ToString();
        var db = new SqliteConnection(cs);
        try
        {
            db.Open();
            var index = new SqliteTrackIndex(full, db);
            index.Exec("PRAGMA journal_mode=WAL;");
            index.Exec("PRAGMA synchronous=NORMAL;");
            index.Exec("PRAGMA foreign_keys=ON;");
            index.Exec("PRAGMA busy_timeout=30000;");
            index.Initialise();
            return index;
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw new GrooveException($"{path}: not a Groove index ({e.Message.TrimEnd('.')})");
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private protected override (string Id, string Real, string Blob) ColumnTypes => ("INTEGER PRIMARY KEY", "REAL", "BLOB");

    private protected override DbTransaction BeginWrite() => _db.BeginTransaction(deferred: false);
}
