namespace Loggia.Storage.Catalog;

/// <summary>
/// The SQLite catalog's schema as an ordered list of migrations. Never edit a released step: add a
/// new one, so every existing database reaches the same schema by the same path.
/// </summary>
internal static class SqliteCatalogSchema
{
    /// <summary>
    /// Version 1. Times are int64 Unix nanoseconds (<c>created_at</c> too) so they compare as integers.
    /// STRICT tables make SQLite reject values of the wrong type instead of silently storing them.
    /// </summary>
    public static readonly CatalogMigration Version1 = new(
        1,
        "blocks, state",
        [
            """
            CREATE TABLE blocks (
                id           TEXT    NOT NULL PRIMARY KEY,
                tenant       TEXT    NOT NULL,
                path         TEXT    NOT NULL UNIQUE,
                min_time     INTEGER NOT NULL,
                max_time     INTEGER NOT NULL,
                rows         INTEGER NOT NULL CHECK (rows >= 0),
                bytes        INTEGER NOT NULL CHECK (bytes >= 0),
                stream_count INTEGER NOT NULL CHECK (stream_count >= 0),
                checksum     TEXT    NOT NULL,
                created_at   INTEGER NOT NULL,
                level        INTEGER NOT NULL CHECK (level >= 0),
                CHECK (min_time <= max_time)
            ) STRICT
            """,
            // Serves FindAsync: equality on tenant, range on min_time; max_time is filtered from the index entry.
            "CREATE INDEX blocks_tenant_time ON blocks (tenant, min_time, max_time)",
            """
            CREATE TABLE state (
                key   TEXT NOT NULL PRIMARY KEY,
                value TEXT NOT NULL
            ) STRICT
            """,
        ]);

    /// <summary>
    /// Version 2: delete requests (Loki's <c>/loki/api/v1/delete</c>). Their times are Unix milliseconds, the
    /// precision Loki's API gives them; <c>swept_at</c> is when the compactor last removed the request's lines from
    /// blocks (null while only query-time filtering applies).
    /// </summary>
    public static readonly CatalogMigration Version2 = new(
        2,
        "delete requests",
        [
            """
            CREATE TABLE delete_requests (
                id         TEXT    NOT NULL,
                tenant     TEXT    NOT NULL,
                query      TEXT    NOT NULL,
                start_ms   INTEGER NOT NULL,
                end_ms     INTEGER NOT NULL,
                created_ms INTEGER NOT NULL,
                swept_ms   INTEGER,
                PRIMARY KEY (tenant, id),
                CHECK (start_ms <= end_ms)
            ) STRICT
            """,
        ]);

    /// <summary>All steps in order; the last one's version is the version this build writes.</summary>
    public static readonly IReadOnlyList<CatalogMigration> Migrations = [Version1, Version2];

    /// <summary>
    /// Created before any step, so the version can be read from every database this code ever
    /// initialised. One row per applied step: the current version is the maximum, and the rows tell
    /// an operator when each step ran.
    /// </summary>
    public const string CreateVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     INTEGER NOT NULL PRIMARY KEY,
            description TEXT    NOT NULL,
            applied_at  TEXT    NOT NULL
        ) STRICT
        """;
}
