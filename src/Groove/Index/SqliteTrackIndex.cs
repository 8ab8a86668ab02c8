using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Groove.Index;

/// <summary>
/// The embedded <see cref="ITrackIndex"/>: one SQLite file (Microsoft.Data.Sqlite) in WAL mode, so readers never
/// block the writer and a killed writer loses at most the track it was writing. Tables: <c>meta</c> (schema
/// version, model, dimension), <c>tracks</c> (path, content hash, duration, model, track vector as a float32
/// little-endian blob, tempo, key, results JSON, time written) and <c>tiles</c> (one float32 blob per 5 s tile).
/// </summary>
public sealed class SqliteTrackIndex : ITrackIndex
{
    /// <summary>Version of the schema this code writes and reads.</summary>
    public const int SchemaVersion = 1;

    private readonly SqliteConnection _db;

    /// <inheritdoc/>
    public string Location { get; }
    /// <inheritdoc/>
    public string? Model { get; private set; }
    /// <inheritdoc/>
    public int Dimension { get; private set; }

    private SqliteTrackIndex(string path, SqliteConnection db)
    {
        Location = path;
        _db = db;
    }

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

    private void Initialise()
    {
        Exec("PRAGMA journal_mode=WAL;");
        Exec("PRAGMA synchronous=NORMAL;");
        Exec("PRAGMA foreign_keys=ON;");
        Exec("PRAGMA busy_timeout=30000;");
        using (var tx = _db.BeginTransaction())
        {
            Exec("""
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS tracks(
                    id INTEGER PRIMARY KEY,
                    path TEXT NOT NULL UNIQUE,
                    content_hash TEXT NOT NULL,
                    duration REAL NOT NULL,
                    model TEXT,
                    vector BLOB,
                    tempo REAL,
                    key TEXT,
                    results TEXT,
                    updated TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS tiles(
                    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
                    idx INTEGER NOT NULL,
                    vector BLOB NOT NULL,
                    PRIMARY KEY(track_id, idx));
                INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', '1');
                """, tx);
            tx.Commit();
        }
        var version = MetaValue("schema_version");
        if (version != SchemaVersion.ToString(CultureInfo.InvariantCulture))
            throw new GrooveException($"{Location}: index schema version {version}, this Groove reads version {SchemaVersion}");
        Model = MetaValue("model");
        Dimension = int.TryParse(MetaValue("dim"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int d) ? d : 0;
    }

    private string? MetaValue(string key)
    {
        using var c = _db.CreateCommand();
        c.CommandText = "SELECT value FROM meta WHERE key = $k";
        c.Parameters.AddWithValue("$k", key);
        return c.ExecuteScalar() as string;
    }

    private void Exec(string sql, SqliteTransaction? tx = null)
    {
        using var c = _db.CreateCommand();
        c.CommandText = sql;
        c.Transaction = tx;
        c.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public int Count
    {
        get
        {
            using var c = _db.CreateCommand();
            c.CommandText = "SELECT COUNT(*) FROM tracks";
            return Convert.ToInt32(c.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
    }

    /// <inheritdoc/>
    public void RequireModel(string model, int dimension)
    {
        RefreshModel();
        if (Model is null) return;
        if (Model != model || Dimension != dimension)
            throw new GrooveException($"{Location} holds vectors of model '{Model}' ({Dimension} values); this run uses '{model}' ({dimension}): use the same --model or another --index");
    }

    private void RefreshModel()
    {
        Model = MetaValue("model");
        Dimension = int.TryParse(MetaValue("dim"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int d) ? d : 0;
    }

    /// <inheritdoc/>
    public bool IsCurrent(string path, string contentHash, string? model = null)
    {
        using var c = _db.CreateCommand();
        c.CommandText = model is null
            ? "SELECT 1 FROM tracks WHERE path = $p AND content_hash = $h"
            : "SELECT 1 FROM tracks WHERE path = $p AND content_hash = $h AND model = $m AND vector IS NOT NULL";
        c.Parameters.AddWithValue("$p", Key(path));
        c.Parameters.AddWithValue("$h", contentHash);
        if (model is not null) c.Parameters.AddWithValue("$m", model);
        return c.ExecuteScalar() is not null;
    }

    /// <inheritdoc/>
    public IndexedTrack? Get(string path, bool withTiles = false)
    {
        using var c = _db.CreateCommand();
        c.CommandText = "SELECT id, path, content_hash, duration, model, vector, tempo, key, results, updated FROM tracks WHERE path = $p";
        c.Parameters.AddWithValue("$p", Key(path));
        using var r = c.ExecuteReader();
        if (!r.Read()) return null;
        var t = ReadTrack(r);
        long id = r.GetInt64(0);
        r.Close();
        return withTiles ? t with { Tiles = ReadTiles(id) } : t;
    }

    /// <inheritdoc/>
    public IReadOnlyList<IndexedTrack> List()
    {
        using var c = _db.CreateCommand();
        c.CommandText = "SELECT id, path, content_hash, duration, model, vector, tempo, key, results, updated FROM tracks ORDER BY path";
        using var r = c.ExecuteReader();
        var list = new List<IndexedTrack>();
        while (r.Read()) list.Add(ReadTrack(r));
        return list;
    }

    private static IndexedTrack ReadTrack(SqliteDataReader r) => new()
    {
        Path = r.GetString(1),
        ContentHash = r.GetString(2),
        DurationSeconds = r.GetDouble(3),
        Model = r.IsDBNull(4) ? null : r.GetString(4),
        Vector = r.IsDBNull(5) ? null : FromBlob((byte[])r.GetValue(5)),
        Tempo = r.IsDBNull(6) ? null : r.GetDouble(6),
        Key = r.IsDBNull(7) ? null : r.GetString(7),
        ResultsJson = r.IsDBNull(8) ? null : r.GetString(8),
        Updated = DateTimeOffset.Parse(r.GetString(9), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
    };

    private List<float[]> ReadTiles(long id)
    {
        using var c = _db.CreateCommand();
        c.CommandText = "SELECT vector FROM tiles WHERE track_id = $id ORDER BY idx";
        c.Parameters.AddWithValue("$id", id);
        using var r = c.ExecuteReader();
        var tiles = new List<float[]>();
        while (r.Read()) tiles.Add(FromBlob((byte[])r.GetValue(0)));
        return tiles;
    }

    /// <inheritdoc/>
    public void PutEmbedding(string path, string contentHash, double durationSeconds, string model, float[] vector, IReadOnlyList<float[]> tiles)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(tiles);
        if (vector.Length == 0) throw new ArgumentException("empty vector", nameof(vector));
        using var tx = _db.BeginTransaction(deferred: false);
        // The model check runs inside the write transaction, so two writers cannot fix two different models.
        RefreshModel();
        if (Model is null)
        {
            SetMeta("model", model, tx);
            SetMeta("dim", vector.Length.ToString(CultureInfo.InvariantCulture), tx);
        }
        else if (Model != model || Dimension != vector.Length)
            throw new GrooveException($"{Location} holds vectors of model '{Model}' ({Dimension} values); this run uses '{model}' ({vector.Length}): use the same --model or another --index");
        long id = Upsert(path, contentHash, durationSeconds, tx);
        using (var u = _db.CreateCommand())
        {
            u.Transaction = tx;
            u.CommandText = "UPDATE tracks SET model = $m, vector = $v WHERE id = $id";
            u.Parameters.AddWithValue("$m", model);
            u.Parameters.Add("$v", SqliteType.Blob).Value = ToBlob(vector);
            u.Parameters.AddWithValue("$id", id);
            u.ExecuteNonQuery();
        }
        DeleteTiles(id, tx);
        using (var ins = _db.CreateCommand())
        {
            ins.Transaction = tx;
            ins.CommandText = "INSERT INTO tiles(track_id, idx, vector) VALUES($id, $i, $v)";
            var pId = ins.Parameters.Add("$id", SqliteType.Integer);
            var pI = ins.Parameters.Add("$i", SqliteType.Integer);
            var pV = ins.Parameters.Add("$v", SqliteType.Blob);
            for (int i = 0; i < tiles.Count; i++)
            {
                // Checked as each tile is written: a bad tile rolls back the whole track, never half of it.
                if (tiles[i] is null || tiles[i].Length != vector.Length)
                    throw new ArgumentException($"tile {i} has {tiles[i]?.Length ?? 0} values, the track vector {vector.Length}", nameof(tiles));
                pId.Value = id; pI.Value = i; pV.Value = ToBlob(tiles[i]);
                ins.ExecuteNonQuery();
            }
        }
        tx.Commit();
        (Model, Dimension) = (model, vector.Length);
    }

    /// <inheritdoc/>
    public void PutAnalysis(string path, string contentHash, double durationSeconds, double? tempo = null, string? key = null, string? resultsJson = null)
    {
        using var tx = _db.BeginTransaction(deferred: false);
        long id = Upsert(path, contentHash, durationSeconds, tx);
        using (var u = _db.CreateCommand())
        {
            u.Transaction = tx;
            u.CommandText = "UPDATE tracks SET tempo = COALESCE($t, tempo), key = COALESCE($k, key), results = COALESCE($r, results) WHERE id = $id";
            u.Parameters.AddWithValue("$t", tempo.HasValue ? tempo.Value : DBNull.Value);
            u.Parameters.AddWithValue("$k", (object?)key ?? DBNull.Value);
            u.Parameters.AddWithValue("$r", (object?)resultsJson ?? DBNull.Value);
            u.Parameters.AddWithValue("$id", id);
            u.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>
    /// Inserts the row or updates its hash, duration and time; when the hash changed, everything computed from the
    /// old bytes (embedding, tiles, analysis) is cleared. Returns the row id.
    /// </summary>
    private long Upsert(string path, string contentHash, double durationSeconds, SqliteTransaction tx)
    {
        var key = Key(path);
        long? id = null; string? oldHash = null;
        using (var q = _db.CreateCommand())
        {
            q.Transaction = tx;
            q.CommandText = "SELECT id, content_hash FROM tracks WHERE path = $p";
            q.Parameters.AddWithValue("$p", key);
            using var r = q.ExecuteReader();
            if (r.Read()) { id = r.GetInt64(0); oldHash = r.GetString(1); }
        }
        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        using var c = _db.CreateCommand();
        c.Transaction = tx;
        c.Parameters.AddWithValue("$p", key);
        c.Parameters.AddWithValue("$h", contentHash);
        c.Parameters.AddWithValue("$d", durationSeconds);
        c.Parameters.AddWithValue("$u", now);
        if (id is null)
        {
            c.CommandText = "INSERT INTO tracks(path, content_hash, duration, updated) VALUES($p, $h, $d, $u) RETURNING id";
            return Convert.ToInt64(c.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        bool changed = oldHash != contentHash;
        c.CommandText = changed
            ? "UPDATE tracks SET content_hash = $h, duration = $d, updated = $u, model = NULL, vector = NULL, tempo = NULL, key = NULL, results = NULL WHERE id = $id"
            : "UPDATE tracks SET duration = $d, updated = $u WHERE id = $id";
        c.Parameters.AddWithValue("$id", id.Value);
        c.ExecuteNonQuery();
        if (changed) DeleteTiles(id.Value, tx);
        return id.Value;
    }

    private void DeleteTiles(long id, SqliteTransaction tx)
    {
        using var d = _db.CreateCommand();
        d.Transaction = tx;
        d.CommandText = "DELETE FROM tiles WHERE track_id = $id";
        d.Parameters.AddWithValue("$id", id);
        d.ExecuteNonQuery();
    }

    private void SetMeta(string key, string value, SqliteTransaction tx)
    {
        using var c = _db.CreateCommand();
        c.Transaction = tx;
        c.CommandText = "INSERT INTO meta(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
        c.Parameters.AddWithValue("$k", key);
        c.Parameters.AddWithValue("$v", value);
        c.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public bool Remove(string path)
    {
        using var c = _db.CreateCommand();
        c.CommandText = "DELETE FROM tracks WHERE path = $p";
        c.Parameters.AddWithValue("$p", Key(path));
        return c.ExecuteNonQuery() > 0;
    }

    /// <inheritdoc/>
    public VectorSearch LoadSearch()
    {
        RefreshModel();
        var ids = new List<string>();
        var values = new List<float>();
        if (Model is not null)
        {
            using var c = _db.CreateCommand();
            c.CommandText = "SELECT path, vector FROM tracks WHERE model = $m AND vector IS NOT NULL ORDER BY path";
            c.Parameters.AddWithValue("$m", Model);
            using var r = c.ExecuteReader();
            while (r.Read())
            {
                var v = FromBlob((byte[])r.GetValue(1));
                if (v.Length != Dimension) throw new GrooveException($"{Location}: vector of {r.GetString(0)} has {v.Length} values, the index {Dimension}");
                ids.Add(r.GetString(0));
                values.AddRange(v);
            }
        }
        return new VectorSearch(ids, CollectionsMarshal.AsSpan(values), Math.Max(Dimension, 1));
    }

    /// <summary>The key a path is stored under: its full path.</summary>
    public static string Key(string path) => System.IO.Path.GetFullPath(path);

    /// <summary>float32 values as little-endian bytes.</summary>
    public static byte[] ToBlob(ReadOnlySpan<float> v)
    {
        var b = new byte[v.Length * 4];
        for (int i = 0; i < v.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(i * 4), v[i]);
        return b;
    }

    /// <summary>Little-endian float32 bytes as values.</summary>
    public static float[] FromBlob(ReadOnlySpan<byte> b)
    {
        if (b.Length % 4 != 0) throw new GrooveException("corrupt vector in the index (length not a multiple of 4 bytes)");
        var v = new float[b.Length / 4];
        for (int i = 0; i < v.Length; i++) v[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(b.Slice(i * 4));
        return v;
    }

    /// <inheritdoc/>
    public void Dispose() => _db.Dispose();
}
