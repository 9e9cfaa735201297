using Loggia.Storage.Catalog;

namespace Loggia.Storage;

/// <summary>
/// Names of the parts of a data directory: the catalog database, the WAL directory and the block tree. Every other
/// file under the data directory is small state (ingest patterns, the retention audit log) that backups copy as is.
/// </summary>
public static class DataDirectoryLayout
{
    /// <summary>The catalog database (SQLite, WAL mode; its <c>-wal</c> and <c>-shm</c> files sit beside it).</summary>
    public const string CatalogFile = "catalog.db";

    /// <summary>The write-ahead log's segment directory.</summary>
    public const string WalDirectory = "wal";

    /// <summary>The block files (<c>.parquet</c> and <c>.idx</c>), by tenant and hour.</summary>
    public const string BlocksDirectory = OrphanFiles.BlocksDirectory;
}
