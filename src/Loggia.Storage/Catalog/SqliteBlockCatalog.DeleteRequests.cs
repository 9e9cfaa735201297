using Microsoft.Data.Sqlite;

namespace Loggia.Storage.Catalog;

/// <summary>The delete-request half of the SQLite catalog (schema version 2).</summary>
public sealed partial class SqliteBlockCatalog
{
    private const string DeleteRequestColumns = "id, tenant, query, start_ms, end_ms, created_ms, swept_ms";

    /// <inheritdoc/>
    public Task AddDeleteRequestAsync(DeleteRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Id);
        ArgumentException.ThrowIfNullOrEmpty(request.Tenant);
        if (request.StartMs > request.EndMs)
        {
            throw new ArgumentException("A delete request's start is after its end.", nameof(request));
        }

        return WriteAsync(async (tx, token) =>
        {
            await using (var exists = Command(tx, "SELECT count(*) FROM delete_requests WHERE tenant = $tenant AND id = $id"))
            {
                exists.Parameters.AddWithValue("$tenant", request.Tenant);
                exists.Parameters.AddWithValue("$id", request.Id);
                if ((long)(await exists.ExecuteScalarAsync(token))! != 0)
                {
                    throw new CatalogConflictException($"Delete request '{request.Id}' of tenant '{request.Tenant}' exists; nothing was changed.");
                }
            }

            await using var insert = Command(tx, $"INSERT INTO delete_requests ({DeleteRequestColumns}) VALUES ($id, $tenant, $query, $start, $end, $created, $swept)");
            var p = insert.Parameters;
            p.AddWithValue("$id", request.Id);
            p.AddWithValue("$tenant", request.Tenant);
            p.AddWithValue("$query", request.Query);
            p.AddWithValue("$start", request.StartMs);
            p.AddWithValue("$end", request.EndMs);
            p.AddWithValue("$created", request.CreatedMs);
            p.AddWithValue("$swept", request.SweptMs is { } swept ? swept : DBNull.Value);
            await insert.ExecuteNonQueryAsync(token);
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<DeleteRequest>> DeleteRequestsAsync(string tenant, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        return ReadAsync<IReadOnlyList<DeleteRequest>>(async (connection, token) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {DeleteRequestColumns} FROM delete_requests WHERE tenant = $tenant ORDER BY created_ms, id";
            command.Parameters.AddWithValue("$tenant", tenant);
            return await ReadDeleteRequestsAsync(command, token);
        }, ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<DeleteRequest>> AllDeleteRequestsAsync(CancellationToken ct) =>
        ReadAsync<IReadOnlyList<DeleteRequest>>(async (connection, token) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {DeleteRequestColumns} FROM delete_requests ORDER BY created_ms, tenant, id";
            return await ReadDeleteRequestsAsync(command, token);
        }, ct);

    /// <inheritdoc/>
    public async Task<bool> CancelDeleteRequestAsync(string tenant, string id, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentNullException.ThrowIfNull(id);
        var removed = false;
        await WriteAsync(async (tx, token) =>
        {
            await using var delete = Command(tx, "DELETE FROM delete_requests WHERE tenant = $tenant AND id = $id AND swept_ms IS NULL");
            delete.Parameters.AddWithValue("$tenant", tenant);
            delete.Parameters.AddWithValue("$id", id);
            removed = await delete.ExecuteNonQueryAsync(token) > 0;
        }, ct);
        return removed;
    }

    /// <inheritdoc/>
    public Task MarkDeleteRequestSweptAsync(string tenant, string id, long sweptMs, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentException.ThrowIfNullOrEmpty(id);
        return WriteAsync(async (tx, token) =>
        {
            await using var update = Command(tx, "UPDATE delete_requests SET swept_ms = $swept WHERE tenant = $tenant AND id = $id");
            update.Parameters.AddWithValue("$tenant", tenant);
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$swept", sweptMs);
            await update.ExecuteNonQueryAsync(token);
        }, ct);
    }

    private static async Task<IReadOnlyList<DeleteRequest>> ReadDeleteRequestsAsync(SqliteCommand command, CancellationToken ct)
    {
        var result = new List<DeleteRequest>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new DeleteRequest(
                Id: reader.GetString(0),
                Tenant: reader.GetString(1),
                Query: reader.GetString(2),
                StartMs: reader.GetInt64(3),
                EndMs: reader.GetInt64(4),
                CreatedMs: reader.GetInt64(5),
                SweptMs: reader.IsDBNull(6) ? null : reader.GetInt64(6)));
        }
        return result;
    }
}
