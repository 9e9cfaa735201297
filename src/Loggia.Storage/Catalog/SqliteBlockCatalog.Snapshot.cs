using Microsoft.Data.Sqlite;

namespace Loggia.Storage.Catalog;

public sealed partial class SqliteBlockCatalog
{
    /// <summary>
    /// Copies the catalog database at <paramref name="sourcePath"/> to <paramref name="destinationPath"/> with SQLite's
    /// online backup, so the copy is one consistent state even while a server writes the catalog (WAL mode lets the
    /// backup read beside the writer). The destination must not exist; it is fsynced before this returns.
    /// </summary>
    public static async Task SnapshotAsync(string sourcePath, string destinationPath, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentException.ThrowIfNullOrEmpty(destinationPath);
        if (!File.Exists(sourcePath))
        {
            throw new CatalogException($"catalog '{sourcePath}' does not exist");
        }

        if (File.Exists(destinationPath))
        {
            throw new IOException($"'{destinationPath}' already exists");
        }

        try
        {
            await using (var source = new SqliteConnection(ConnectionString(Path.GetFullPath(sourcePath), SqliteOpenMode.ReadOnly)))
            await using (var destination = new SqliteConnection(ConnectionString(Path.GetFullPath(destinationPath), SqliteOpenMode.ReadWriteCreate)))
            {
                await source.OpenAsync(ct);
                await destination.OpenAsync(ct);
                source.BackupDatabase(destination);
            }
        }
        catch (SqliteException e)
        {
            throw new CatalogException($"catalog '{sourcePath}' could not be copied: {e.Message}", e);
        }

        using var copy = new FileStream(destinationPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        copy.Flush(flushToDisk: true);
    }
}
