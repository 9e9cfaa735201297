using Microsoft.Data.Sqlite;

namespace Loggia.Storage.Catalog;

/// <summary>
/// The embedded catalog: one SQLite database file (by convention <c>&lt;data dir&gt;/catalog.db</c>).
/// </summary>
/// <remarks>
/// <para>
/// Durability: WAL journal mode with <c>synchronous=FULL</c>, so a write whose task completed has
/// been fsynced and survives a power loss. WAL mode also lets readers run while a write commits.
/// </para>
/// <para>
/// Concurrency: one writer connection, writes serialised by a semaphore (SQLite allows one writer at
/// a time anyway; queueing in-process is cheaper than spinning on SQLITE_BUSY). Reads use their own
/// read-only connections from a small pool, so queries never wait behind a publish.
/// </para>
/// <para>All SQL is parameterised. The class is safe to use from many threads.</para>
/// </remarks>
public sealed partial class SqliteBlockCatalog : IBlockCatalog, IDeleteRequestStore
{
    // Enough for the query fan-out of one process; extra readers beyond this are opened and closed per call.
    private const int MaxIdleReaders = 4;

    // How long a statement waits for a lock held by another process (e.g. `loggia fsck`) before failing.
    private const int BusyTimeoutSeconds = 30;

    // SQLite primary result codes (sqlite3.h) that mean the file itself is damaged or foreign.
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private const string BlockColumns =
        "id, tenant, path, min_time, max_time, rows, bytes, stream_count, checksum, created_at, level";

    private readonly string _readConnectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Stack<SqliteConnection> _idleReaders = new();
    private readonly Lock _readersLock = new();
    private volatile bool _disposed;

    private SqliteBlockCatalog(string databasePath, SqliteConnection writer)
    {
        DatabasePath = databasePath;
        _writer = writer;
        _readConnectionString = ConnectionString(databasePath, SqliteOpenMode.ReadOnly);
    }

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// Opens the catalog at <paramref name="path"/>, creating the file (and its directory) when
    /// missing and migrating an older schema to the current version.
    /// </summary>
    /// <exception cref="CatalogException">
    /// The file is corrupt or not a SQLite database, is a SQLite database that is not a Loggia
    /// catalog, or has a schema version newer than this build understands. The message names the file.
    /// </exception>
    public static Task<SqliteBlockCatalog> OpenAsync(string path, CancellationToken ct) =>
        OpenAsync(path, SqliteCatalogSchema.Migrations, ct);

    /// <summary>Opens with an explicit migration list, so tests can simulate a future schema version.</summary>
    internal static async Task<SqliteBlockCatalog> OpenAsync(string path, IReadOnlyList<CatalogMigration> migrations, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ct.ThrowIfCancellationRequested();

        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);

        var writer = new SqliteConnection(ConnectionString(fullPath, SqliteOpenMode.ReadWriteCreate));
        try
        {
            await writer.OpenAsync(ct);
            await ConfigureWriterAsync(writer, fullPath, ct);
            await SqliteCatalogMigrator.MigrateAsync(writer, fullPath, migrations, ct);
        }
        catch (SqliteException ex)
        {
            await writer.DisposeAsync();
            throw Unusable(fullPath, ex);
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }

        return new SqliteBlockCatalog(fullPath, writer);
    }

    /// <inheritdoc />
    public Task PublishAsync(BlockInfo block, CancellationToken ct) => PublishAsync(block, null, ct);

    /// <inheritdoc />
    public Task PublishAsync(BlockInfo block, IReadOnlyDictionary<string, string>? state, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(block);
        block.Validate();
        if (state is not null)
        {
            foreach (var (key, value) in state)
            {
                ValidateState(key, value);
            }
        }

        return WriteAsync(
            async (tx, token) =>
            {
                var existing = await ReadBlockAsync(tx, block.Id, token);
                if (existing is null)
                {
                    await InsertBlockAsync(tx, block, token);
                }
                else if (existing != block)
                {
                    throw new CatalogConflictException(
                        $"Block '{block.Id}' is already published with different content; nothing was changed.");
                }

                // On an idempotent retry the state is written again: the retry carries the same
                // checkpoint, and a caller that crashed after commit must still see it stored.
                if (state is not null)
                {
                    foreach (var (key, value) in state)
                    {
                        await UpsertStateAsync(tx, key, value, token);
                    }
                }
            },
            ct);
    }

    /// <inheritdoc />
    public Task ReplaceAsync(IReadOnlyList<string> removedIds, IReadOnlyList<BlockInfo> added, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(removedIds);
        ArgumentNullException.ThrowIfNull(added);
        ValidateReplacement(removedIds, added);

        return WriteAsync(
            async (tx, token) =>
            {
                foreach (var id in removedIds)
                {
                    await using var delete = Command(tx, "DELETE FROM blocks WHERE id = $id");
                    delete.Parameters.AddWithValue("$id", id);
                    if (await delete.ExecuteNonQueryAsync(token) == 0)
                    {
                        // Throwing rolls back the deletes already done: all or nothing.
                        throw new CatalogConflictException(
                            $"Block '{id}' is not in the catalog (already replaced or removed); nothing was changed.");
                    }
                }

                foreach (var block in added)
                {
                    if (await ReadBlockAsync(tx, block.Id, token) is not null)
                    {
                        throw new CatalogConflictException(
                            $"Block '{block.Id}' is already in the catalog; nothing was changed.");
                    }

                    await InsertBlockAsync(tx, block, token);
                }
            },
            ct);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<BlockInfo>> FindAsync(string tenant, long fromNanos, long toNanos, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        if (fromNanos > toNanos)
        {
            throw new ArgumentException($"fromNanos {fromNanos} is after toNanos {toNanos}.", nameof(fromNanos));
        }

        return ReadAsync<IReadOnlyList<BlockInfo>>(
            async (connection, token) =>
            {
                // Closed-interval overlap: the block starts no later than `to` and ends no earlier than `from`.
                await using var command = connection.CreateCommand();
                command.CommandText = $"""
                    SELECT {BlockColumns} FROM blocks
                    WHERE tenant = $tenant AND min_time <= $to AND max_time >= $from
                    ORDER BY min_time, max_time, id
                    """;
                command.Parameters.AddWithValue("$tenant", tenant);
                command.Parameters.AddWithValue("$from", fromNanos);
                command.Parameters.AddWithValue("$to", toNanos);
                return await ReadBlocksAsync(command, token);
            },
            ct);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> TenantsAsync(CancellationToken ct) =>
        ReadAsync<IReadOnlyList<string>>(
            async (connection, token) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT DISTINCT tenant FROM blocks ORDER BY tenant";
                var tenants = new List<string>();
                await using var reader = await command.ExecuteReaderAsync(token);
                while (await reader.ReadAsync(token))
                {
                    tenants.Add(reader.GetString(0));
                }

                return tenants;
            },
            ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<BlockInfo>> AllAsync(CancellationToken ct) =>
        ReadAsync<IReadOnlyList<BlockInfo>>(
            async (connection, token) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT {BlockColumns} FROM blocks ORDER BY tenant, min_time, id";
                return await ReadBlocksAsync(command, token);
            },
            ct);

    /// <summary>
    /// SQLite's <c>PRAGMA integrity_check</c> over the whole database (every page, index and constraint): empty when
    /// sound, else SQLite's messages. Reads the whole file, so it is for offline checks (<c>loggia fsck</c>).
    /// </summary>
    public Task<IReadOnlyList<string>> CheckIntegrityAsync(CancellationToken ct) =>
        ReadAsync<IReadOnlyList<string>>(
            async (connection, token) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA integrity_check";
                var messages = new List<string>();
                await using var reader = await command.ExecuteReaderAsync(token);
                while (await reader.ReadAsync(token))
                {
                    var message = reader.GetString(0);
                    if (!string.Equals(message, "ok", StringComparison.Ordinal))
                    {
                        messages.Add(message);
                    }
                }

                return messages;
            },
            ct);

    /// <inheritdoc />
    public Task<string?> GetStateAsync(string key, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return ReadAsync(
            async (connection, token) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT value FROM state WHERE key = $key";
                command.Parameters.AddWithValue("$key", key);
                return (string?)await command.ExecuteScalarAsync(token);
            },
            ct);
    }

    /// <inheritdoc />
    public Task SetStateAsync(string key, string value, CancellationToken ct)
    {
        ValidateState(key, value);
        return WriteAsync((tx, token) => UpsertStateAsync(tx, key, value, token), ct);
    }

    /// <summary>
    /// Waits for a write in progress, then closes every connection; SQLite checkpoints the WAL into
    /// the database file when the last connection closes. Later calls throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        SqliteConnection[] idle;
        lock (_readersLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            idle = [.. _idleReaders];
            _idleReaders.Clear();
        }

        foreach (var connection in idle)
        {
            await connection.DisposeAsync();
        }

        // The semaphore is not disposed: a caller still queued on it must wake up and see _disposed.
        await _writeLock.WaitAsync();
        try
        {
            await _writer.DisposeAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static string ConnectionString(string path, SqliteOpenMode mode) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Cache = SqliteCacheMode.Private,
            // Our own pool: Microsoft.Data.Sqlite's pool would keep the file open after DisposeAsync.
            Pooling = false,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();

    private static async Task ConfigureWriterAsync(SqliteConnection writer, string path, CancellationToken ct)
    {
        await using (var command = writer.CreateCommand())
        {
            // journal_mode is stored in the file, so readers opened later are in WAL mode too.
            command.CommandText = "PRAGMA journal_mode = WAL";
            var mode = (string?)await command.ExecuteScalarAsync(ct);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new CatalogException(
                    $"Catalog database '{path}' could not be switched to WAL journal mode (got '{mode}'); " +
                    "its file system may not support shared memory.");
            }
        }

        await using (var command = writer.CreateCommand())
        {
            // synchronous=FULL: in WAL mode, NORMAL may lose the last commits on power loss; a
            // publish that returned must not be lost.
            command.CommandText = $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000}";
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static CatalogException Unusable(string path, SqliteException ex) =>
        ex.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase
            ? new CatalogException(
                $"Catalog database '{path}' is corrupt or is not a SQLite database ({ex.Message}). " +
                "Restore it from a backup or move it aside.",
                ex)
            : new CatalogException($"Cannot open catalog database '{path}': {ex.Message}", ex);

    private static void ValidateState(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
    }

    private static void ValidateReplacement(IReadOnlyList<string> removedIds, IReadOnlyList<BlockInfo> added)
    {
        var removed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in removedIds)
        {
            ArgumentException.ThrowIfNullOrEmpty(id, nameof(removedIds));
            if (!removed.Add(id))
            {
                throw new ArgumentException($"Block '{id}' is listed twice in removedIds.", nameof(removedIds));
            }
        }

        var addedIds = new HashSet<string>(StringComparer.Ordinal);
        var addedPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var block in added)
        {
            ArgumentNullException.ThrowIfNull(block, nameof(added));
            block.Validate();
            if (!addedIds.Add(block.Id) || !addedPaths.Add(block.Path))
            {
                throw new ArgumentException($"Block '{block.Id}' or its path is listed twice in added.", nameof(added));
            }

            // A replacement with the same id would make "removed" and "added" indistinguishable to
            // a reader comparing snapshots; new content gets a new id.
            if (removed.Contains(block.Id))
            {
                throw new ArgumentException($"Block '{block.Id}' is both removed and added.", nameof(added));
            }
        }
    }

    private async Task WriteAsync(Func<SqliteTransaction, CancellationToken, Task> write, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeLock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // BEGIN IMMEDIATE takes the write lock up front, so another process cannot make this
            // transaction fail half-way with SQLITE_BUSY when it upgrades from read to write.
            await using var tx = _writer.BeginTransaction(deferred: false);
            await write(tx, ct);

            // Not cancellable: once the work is done, committing is the only way to leave the
            // catalog in a state the caller can reason about.
            await tx.CommitAsync(CancellationToken.None);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        var connection = await RentReaderAsync(ct);
        T result;
        try
        {
            result = await read(connection, ct);
        }
        catch
        {
            // The connection may be in an unknown state after a failure: do not pool it.
            await connection.DisposeAsync();
            throw;
        }

        await ReturnReaderAsync(connection);
        return result;
    }

    private async Task<SqliteConnection> RentReaderAsync(CancellationToken ct)
    {
        lock (_readersLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idleReaders.TryPop(out var idle))
            {
                return idle;
            }
        }

        var connection = new SqliteConnection(_readConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000}";
            await command.ExecuteNonQueryAsync(ct);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return connection;
    }

    private async ValueTask ReturnReaderAsync(SqliteConnection connection)
    {
        lock (_readersLock)
        {
            if (!_disposed && _idleReaders.Count < MaxIdleReaders)
            {
                _idleReaders.Push(connection);
                return;
            }
        }

        await connection.DisposeAsync();
    }

    private static SqliteCommand Command(SqliteTransaction tx, string sql)
    {
        var command = tx.Connection!.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command;
    }

    private static async Task<BlockInfo?> ReadBlockAsync(SqliteTransaction tx, string id, CancellationToken ct)
    {
        await using var command = Command(tx, $"SELECT {BlockColumns} FROM blocks WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        var blocks = await ReadBlocksAsync(command, ct);
        return blocks.Count == 0 ? null : blocks[0];
    }

    private static async Task InsertBlockAsync(SqliteTransaction tx, BlockInfo block, CancellationToken ct)
    {
        // Checked here rather than left to the UNIQUE constraint, for a message that names both blocks.
        await using (var pathCheck = Command(tx, "SELECT id FROM blocks WHERE path = $path"))
        {
            pathCheck.Parameters.AddWithValue("$path", block.Path);
            if (await pathCheck.ExecuteScalarAsync(ct) is string owner)
            {
                throw new CatalogConflictException(
                    $"Block '{block.Id}' has path '{block.Path}', already used by block '{owner}'; nothing was changed.");
            }
        }

        await using var insert = Command(
            tx,
            $"""
            INSERT INTO blocks ({BlockColumns})
            VALUES ($id, $tenant, $path, $min_time, $max_time, $rows, $bytes, $stream_count, $checksum, $created_at, $level)
            """);
        var p = insert.Parameters;
        p.AddWithValue("$id", block.Id);
        p.AddWithValue("$tenant", block.Tenant);
        p.AddWithValue("$path", block.Path);
        p.AddWithValue("$min_time", block.MinTimeNanos);
        p.AddWithValue("$max_time", block.MaxTimeNanos);
        p.AddWithValue("$rows", block.Rows);
        p.AddWithValue("$bytes", block.Bytes);
        p.AddWithValue("$stream_count", block.StreamCount);
        p.AddWithValue("$checksum", block.Checksum);
        p.AddWithValue("$created_at", CatalogTime.ToUnixNanos(block.CreatedAt));
        p.AddWithValue("$level", block.Level);
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static async Task UpsertStateAsync(SqliteTransaction tx, string key, string value, CancellationToken ct)
    {
        await using var command = Command(
            tx,
            "INSERT INTO state (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<List<BlockInfo>> ReadBlocksAsync(SqliteCommand command, CancellationToken ct)
    {
        var blocks = new List<BlockInfo>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            blocks.Add(new BlockInfo(
                Id: reader.GetString(0),
                Tenant: reader.GetString(1),
                Path: reader.GetString(2),
                MinTimeNanos: reader.GetInt64(3),
                MaxTimeNanos: reader.GetInt64(4),
                Rows: reader.GetInt64(5),
                Bytes: reader.GetInt64(6),
                StreamCount: reader.GetInt64(7),
                Checksum: reader.GetString(8),
                CreatedAt: CatalogTime.FromUnixNanos(reader.GetInt64(9)),
                Level: reader.GetInt32(10)));
        }

        return blocks;
    }
}
