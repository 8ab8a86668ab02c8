using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Groove.Index;

/// <summary>
/// What the SQL backends of <see cref="ITrackIndex"/> share: one schema and the same statements over ADO.NET.
/// Tables: <c>meta</c> (schema version, model, dimension), <c>tracks</c> (path, content hash, duration, model, track
/// vector as a float32 little-endian blob, tempo, key, results JSON, time written as ISO 8601 text) and <c>tiles</c>
/// (one float32 blob per 5 s tile, deleted with their track). A backend supplies the connection, the column types of
/// its dialect and how a write transaction takes the index's write lock (<see cref="BeginWrite"/>), so that
/// concurrent writers never fix two models or insert one path twice.
/// </summary>
public abstract class SqlTrackIndex : ITrackIndex
{
    /// <summary>Version of the schema this code writes and reads.</summary>
    public const int SchemaVersion = 1;

    private readonly DbConnection _db;

    /// <inheritdoc/>
    public string Location { get; }
    /// <inheritdoc/>
    public string? Model { get; private set; }
    /// <inheritdoc/>
    public int Dimension { get; private set; }

    /// <param name="location">Where the index lives, as shown to users (no password).</param>
    /// <param name="db">The open connection (disposed with the index).</param>
    private protected SqlTrackIndex(string location, DbConnection db)
    {
        Location = location;
        _db = db;
    }

    /// <summary>Column types of the backend's dialect: the auto-numbered key, a 64-bit float, a byte blob.</summary>
    private protected abstract (string Id, string Real, string Blob) ColumnTypes { get; }

    /// <summary>Begins a transaction that holds the index's write lock until it ends.</summary>
    private protected abstract DbTransaction BeginWrite();

    /// <summary>Creates the tables when absent and reads the model; throws on another schema version.</summary>
    private protected void Initialise()
    {
        var (id, real, blob) = ColumnTypes;
        using (var tx = BeginWrite())
        {
            Exec($"""
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS tracks(
                    id {id},
                    path TEXT NOT NULL UNIQUE,
                    content_hash TEXT NOT NULL,
                    duration {real} NOT NULL,
                    model TEXT,
                    vector {blob},
                    tempo {real},
                    key TEXT,
                    results TEXT,
                    updated TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS tiles(
                    track_id BIGINT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
                    idx INTEGER NOT NULL,
                    vector {blob} NOT NULL,
                    PRIMARY KEY(track_id, idx));
                INSERT INTO meta(key, value) VALUES('schema_version', '{SchemaVersion}') ON CONFLICT(key) DO NOTHING;
                """, tx);
            tx.Commit();
        }
        var version = MetaValue("schema_version");
        if (version != SchemaVersion.ToString(CultureInfo.InvariantCulture))
            throw new GrooveException($"{Location}: index schema version {version}, this Groove reads version {SchemaVersion}");
        RefreshModel();
    }

    private DbCommand Command(string sql, DbTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        var c = _db.CreateCommand();
        c.CommandText = sql;
        c.Transaction = tx;
        foreach (var (name, value) in parameters) Add(c, name, value);
        return c;
    }

    private static DbParameter Add(DbCommand c, string name, object? value, DbType? type = null)
    {
        var p = c.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        if (type is { } t) p.DbType = t;
        c.Parameters.Add(p);
        return p;
    }

    private protected void Exec(string sql, DbTransaction? tx = null)
    {
        using var c = Command(sql, tx);
        c.ExecuteNonQuery();
    }

    private string? MetaValue(string key, DbTransaction? tx = null)
    {
        using var c = Command("SELECT value FROM meta WHERE key = @k", tx, ("@k", key));
        return c.ExecuteScalar() as string;
    }

    /// <inheritdoc/>
    public int Count
    {
        get
        {
            using var c = Command("SELECT COUNT(*) FROM tracks");
            return Convert.ToInt32(c.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
    }

    /// <inheritdoc/>
    public void RequireModel(string model, int dimension)
    {
        RefreshModel();
        if (Model is null) return;
        if (Model != model || Dimension != dimension) throw Mismatch(model, dimension);
    }

    private GrooveException Mismatch(string model, int dimension) =>
        new($"{Location} holds vectors of model '{Model}' ({Dimension} values); this run uses '{model}' ({dimension}): use the same --model or another --index");

    private void RefreshModel(DbTransaction? tx = null)
    {
        Model = MetaValue("model", tx);
        Dimension = int.TryParse(MetaValue("dim", tx), NumberStyles.Integer, CultureInfo.InvariantCulture, out int d) ? d : 0;
    }

    /// <inheritdoc/>
    public bool IsCurrent(string path, string contentHash, string? model = null)
    {
        using var c = Command(model is null
            ? "SELECT 1 FROM tracks WHERE path = @p AND content_hash = @h"
            : "SELECT 1 FROM tracks WHERE path = @p AND content_hash = @h AND model = @m AND vector IS NOT NULL",
            null, ("@p", Key(path)), ("@h", contentHash));
        if (model is not null) Add(c, "@m", model);
        return c.ExecuteScalar() is not null;
    }

    private const string TrackColumns = "id, path, content_hash, duration, model, vector, tempo, key, results, updated";

    /// <inheritdoc/>
    public IndexedTrack? Get(string path, bool withTiles = false)
    {
        IndexedTrack t;
        long id;
        using (var c = Command($"SELECT {TrackColumns} FROM tracks WHERE path = @p", null, ("@p", Key(path))))
        using (var r = c.ExecuteReader())
        {
            if (!r.Read()) return null;
            t = ReadTrack(r);
            id = r.GetInt64(0);
        }
        return withTiles ? t with { Tiles = ReadTiles(id) } : t;
    }

    /// <inheritdoc/>
    public IReadOnlyList<IndexedTrack> List()
    {
        using var c = Command($"SELECT {TrackColumns} FROM tracks ORDER BY path");
        using var r = c.ExecuteReader();
        var list = new List<IndexedTrack>();
        while (r.Read()) list.Add(ReadTrack(r));
        return list;
    }

    private static IndexedTrack ReadTrack(DbDataReader r) => new()
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
        using var c = Command("SELECT vector FROM tiles WHERE track_id = @id ORDER BY idx", null, ("@id", id));
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
        using var tx = BeginWrite();
        // The model check runs under the write lock, so two writers cannot fix two different models.
        RefreshModel(tx);
        if (Model is null)
        {
            SetMeta("model", model, tx);
            SetMeta("dim", vector.Length.ToString(CultureInfo.InvariantCulture), tx);
        }
        else if (Model != model || Dimension != vector.Length) throw Mismatch(model, vector.Length);
        long id = Upsert(path, contentHash, durationSeconds, tx);
        using (var u = Command("UPDATE tracks SET model = @m, vector = @v WHERE id = @id", tx, ("@m", model), ("@v", ToBlob(vector)), ("@id", id)))
            u.ExecuteNonQuery();
        DeleteTiles(id, tx);
        using (var ins = Command("INSERT INTO tiles(track_id, idx, vector) VALUES(@id, @i, @v)", tx))
        {
            var pId = Add(ins, "@id", id, DbType.Int64);
            var pI = Add(ins, "@i", 0, DbType.Int32);
            var pV = Add(ins, "@v", Array.Empty<byte>(), DbType.Binary);
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
        using var tx = BeginWrite();
        long id = Upsert(path, contentHash, durationSeconds, tx);
        using (var u = Command("UPDATE tracks SET tempo = COALESCE(@t, tempo), key = COALESCE(@k, key), results = COALESCE(@r, results) WHERE id = @id", tx, ("@id", id)))
        {
            Add(u, "@t", tempo, DbType.Double);
            Add(u, "@k", key, DbType.String);
            Add(u, "@r", resultsJson, DbType.String);
            u.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>
    /// Inserts the row or updates its hash, duration and time; when the hash changed, everything computed from the
    /// old bytes (embedding, tiles, analysis) is cleared. Returns the row id.
    /// </summary>
    private long Upsert(string path, string contentHash, double durationSeconds, DbTransaction tx)
    {
        var key = Key(path);
        long? id = null; string? oldHash = null;
        using (var q = Command("SELECT id, content_hash FROM tracks WHERE path = @p", tx, ("@p", key)))
        using (var r = q.ExecuteReader())
            if (r.Read()) { id = r.GetInt64(0); oldHash = r.GetString(1); }
        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        using var c = Command("", tx, ("@p", key), ("@h", contentHash), ("@d", durationSeconds), ("@u", now));
        if (id is null)
        {
            c.CommandText = "INSERT INTO tracks(path, content_hash, duration, updated) VALUES(@p, @h, @d, @u) RETURNING id";
            return Convert.ToInt64(c.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        bool changed = oldHash != contentHash;
        c.CommandText = changed
            ? "UPDATE tracks SET content_hash = @h, duration = @d, updated = @u, model = NULL, vector = NULL, tempo = NULL, key = NULL, results = NULL WHERE id = @id"
            : "UPDATE tracks SET duration = @d, updated = @u WHERE id = @id";
        Add(c, "@id", id.Value);
        c.ExecuteNonQuery();
        if (changed) DeleteTiles(id.Value, tx);
        return id.Value;
    }

    private void DeleteTiles(long id, DbTransaction tx)
    {
        using var d = Command("DELETE FROM tiles WHERE track_id = @id", tx, ("@id", id));
        d.ExecuteNonQuery();
    }

    private void SetMeta(string key, string value, DbTransaction tx)
    {
        using var c = Command("INSERT INTO meta(key, value) VALUES(@k, @v) ON CONFLICT(key) DO UPDATE SET value = excluded.value", tx, ("@k", key), ("@v", value));
        c.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public bool Remove(string path)
    {
        using var tx = BeginWrite();
        using var c = Command("DELETE FROM tracks WHERE path = @p", tx, ("@p", Key(path)));
        bool removed = c.ExecuteNonQuery() > 0;
        tx.Commit();
        return removed;
    }

    /// <inheritdoc/>
    public string Revision()
    {
        RefreshModel();
        using var c = Command("SELECT COUNT(*), MAX(updated) FROM tracks");
        using var r = c.ExecuteReader();
        r.Read();
        return string.Create(CultureInfo.InvariantCulture, $"{Location}|{Model}|{Dimension}|{r.GetInt64(0)}|{(r.IsDBNull(1) ? "" : r.GetString(1))}");
    }

    /// <inheritdoc/>
    public VectorSearch LoadSearch(VectorPrecision precision = VectorPrecision.Float32)
    {
        RefreshModel();
        var ids = new List<string>();
        var values = new List<float>();
        if (Model is not null)
        {
            using var c = Command("SELECT path, vector FROM tracks WHERE model = @m AND vector IS NOT NULL ORDER BY path", null, ("@m", Model));
            using var r = c.ExecuteReader();
            while (r.Read())
            {
                var v = FromBlob((byte[])r.GetValue(1));
                if (v.Length != Dimension) throw new GrooveException($"{Location}: vector of {r.GetString(0)} has {v.Length} values, the index {Dimension}");
                ids.Add(r.GetString(0));
                values.AddRange(v);
            }
        }
        return new VectorSearch(ids, CollectionsMarshal.AsSpan(values), Math.Max(Dimension, 1), precision);
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

    /// <summary>Closes the connection.</summary>
    public virtual void Dispose()
    {
        _db.Dispose();
        GC.SuppressFinalize(this);
    }
}
