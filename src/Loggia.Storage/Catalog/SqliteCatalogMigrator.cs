using Microsoft.Data.Sqlite;

namespace Loggia.Storage.Catalog;

/// <summary>
/// Brings a SQLite catalog to the newest schema version this build knows, or refuses it.
/// </summary>
internal static class SqliteCatalogMigrator
{
    /// <summary>
    /// Applies every missing migration in one transaction. Throws <see cref="CatalogException"/>
    /// when the database is a SQLite file that is not a Loggia catalog, or when its version is newer
    /// than <paramref name="migrations"/> reach: running old code on a newer schema could corrupt it.
    /// </summary>
    public static async Task MigrateAsync(
        SqliteConnection connection,
        string path,
        IReadOnlyList<CatalogMigration> migrations,
        CancellationToken ct)
    {
        var latest = migrations[^1].Version;

        // One immediate transaction for the check and all steps: two processes opening the same
        // file at once cannot both migrate, and a crash leaves the previous version.
        await using var tx = connection.BeginTransaction(deferred: false);

        var current = await CurrentVersionAsync(tx, path, ct);
        if (current > latest)
        {
            throw new CatalogException(
                $"Catalog database '{path}' has schema version {current}, but this build of Loggia supports " +
                $"up to version {latest}. Upgrade Loggia, or restore a catalog written by this version.");
        }

        foreach (var migration in migrations)
        {
            if (migration.Version <= current)
            {
                continue;
            }

            foreach (var statement in migration.Statements)
            {
                await using var command = Command(tx, statement);
                await command.ExecuteNonQueryAsync(ct);
            }

            await using var record = Command(
                tx,
                "INSERT INTO schema_version (version, description, applied_at) " +
                "VALUES ($version, $description, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
            record.Parameters.AddWithValue("$version", migration.Version);
            record.Parameters.AddWithValue("$description", migration.Description);
            await record.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(CancellationToken.None);
    }

    /// <summary>The database's schema version; 0 for a new, empty file (after creating the version table).</summary>
    private static async Task<long> CurrentVersionAsync(SqliteTransaction tx, string path, CancellationToken ct)
    {
        await using (var probe = Command(tx, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'"))
        {
            if ((long)(await probe.ExecuteScalarAsync(ct))! == 0)
            {
                // No version table: only an empty database may become a catalog; anything else is
                // someone else's data, which we must not modify.
                await using var others = Command(tx, "SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
                if ((long)(await others.ExecuteScalarAsync(ct))! != 0)
                {
                    throw new CatalogException(
                        $"Catalog database '{path}' is a SQLite database but not a Loggia catalog (it has no schema_version table).");
                }

                await using var create = Command(tx, SqliteCatalogSchema.CreateVersionTable);
                await create.ExecuteNonQueryAsync(ct);
                return 0;
            }
        }

        await using var version = Command(tx, "SELECT coalesce(max(version), 0) FROM schema_version");
        return (long)(await version.ExecuteScalarAsync(ct))!;
    }

    private static SqliteCommand Command(SqliteTransaction tx, string sql)
    {
        var command = tx.Connection!.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command;
    }
}
