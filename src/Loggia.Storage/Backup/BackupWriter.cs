using System.Globalization;
using Loggia.Core.IO;
using Loggia.Storage.Catalog;

namespace Loggia.Storage.Backup;

/// <summary>
/// Takes a consistent snapshot of a data directory — online, beside a running server — into a backup directory
/// (<see cref="BackupLayout"/>), copying only the blocks the backup does not hold yet.
/// </summary>
/// <remarks>
/// Order makes the snapshot consistent without stopping the server: the WAL segments are copied first, then the
/// catalog (SQLite online backup), then the blocks that catalog lists. A WAL segment is released only after every
/// record in it is in a published block, so whatever the catalog copy lacks is in the WAL copy, and every block the
/// catalog copy lists is still on disk (replaced blocks are deleted only after the retention delete delay). A
/// restored server replays the WAL from the catalog's published position: the snapshot holds every line
/// acknowledged before the backup started. A segment being written when copied ends in a torn record, which
/// recovery drops (that record was not acknowledged before the copy began).
/// </remarks>
public static class BackupWriter
{
    /// <summary>Writes a new snapshot of <paramref name="dataDirectory"/> into <paramref name="backupDirectory"/>.</summary>
    /// <exception cref="BackupException">A block is missing or damaged; nothing is published, copied blocks are kept.</exception>
    public static async Task<BackupSummary> CreateAsync(string dataDirectory, string backupDirectory, TimeProvider time, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentException.ThrowIfNullOrEmpty(backupDirectory);
        ArgumentNullException.ThrowIfNull(time);
        var data = Path.GetFullPath(dataDirectory);
        var backup = Path.GetFullPath(backupDirectory);
        if (!File.Exists(Path.Combine(data, DataDirectoryLayout.CatalogFile)))
        {
            throw new BackupException($"'{data}' is not a Loggia data directory (no {DataDirectoryLayout.CatalogFile})");
        }

        if (backup.StartsWith(data + Path.DirectorySeparatorChar, StringComparison.Ordinal) || backup == data)
        {
            throw new BackupException("the backup directory must be outside the data directory");
        }

        var created = time.GetUtcNow();
        var name = created.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var snapshots = Path.Combine(backup, BackupLayout.SnapshotsDirectory);
        var partial = Path.Combine(snapshots, "." + name + BackupLayout.PartialSuffix);
        if (Directory.Exists(Path.Combine(snapshots, name)))
        {
            throw new BackupException($"snapshot {name} already exists");
        }

        DeleteIfExists(partial);
        Directory.CreateDirectory(partial);
        try
        {
            var walSegments = CopyWal(data, partial);
            var catalogCopy = Path.Combine(partial, DataDirectoryLayout.CatalogFile);
            await SqliteBlockCatalog.SnapshotAsync(Path.Combine(data, DataDirectoryLayout.CatalogFile), catalogCopy, ct);
            var blocks = await ListBlocksAsync(catalogCopy, ct);
            var (copied, bytes) = CopyBlocks(data, backup, blocks, ct);
            var stateFiles = CopyState(data, partial);
            AtomicFile.WriteAllBytes(Path.Combine(partial, BackupLayout.ManifestFile), new BackupManifest(created, blocks, walSegments, stateFiles).ToJson());
            Directory.Move(partial, Path.Combine(snapshots, name));
            DirectorySync.Flush(snapshots);
            return new BackupSummary(name, blocks.Count, copied, bytes, walSegments, stateFiles);
        }
        catch
        {
            DeleteIfExists(partial);
            throw;
        }
    }

    /// <summary>
    /// Keeps the newest <paramref name="keep"/> snapshots, deletes the older ones and then every block no remaining
    /// snapshot lists. Returns the number of snapshots deleted.
    /// </summary>
    public static int Prune(string backupDirectory, int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var backup = Path.GetFullPath(backupDirectory);
        var snapshots = BackupLayout.Snapshots(backup);
        var deleted = 0;
        for (var i = 0; i < snapshots.Count - keep; i++)
        {
            Directory.Delete(Path.Combine(backup, BackupLayout.SnapshotsDirectory, snapshots[i]), recursive: true);
            deleted++;
        }

        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var snapshot in BackupLayout.Snapshots(backup))
        {
            foreach (var block in BackupManifest.Read(Path.Combine(backup, BackupLayout.SnapshotsDirectory, snapshot, BackupLayout.ManifestFile)).Blocks)
            {
                referenced.Add(block.Path);
                referenced.Add(BlockInfo.IndexPathOf(block.Path));
            }
        }

        var blocksRoot = Path.Combine(backup, DataDirectoryLayout.BlocksDirectory);
        if (Directory.Exists(blocksRoot))
        {
            foreach (var file in Directory.EnumerateFiles(blocksRoot, "*", SearchOption.AllDirectories))
            {
                if (!referenced.Contains(Path.GetRelativePath(backup, file).Replace('\\', '/')))
                {
                    File.Delete(file);
                }
            }
        }

        return deleted;
    }

    private static int CopyWal(string data, string snapshot)
    {
        var wal = Path.Combine(data, DataDirectoryLayout.WalDirectory);
        if (!Directory.Exists(wal))
        {
            return 0;
        }

        var segments = new List<string>(Directory.EnumerateFiles(wal, "*" + Wal.WalFormat.SegmentExtension));
        segments.Sort(StringComparer.Ordinal);
        var copied = 0;
        foreach (var segment in segments)
        {
            // A segment released since it was listed held only published records: the catalog copy covers them.
            if (BlockCopy.TryCopyFile(segment, Path.Combine(snapshot, DataDirectoryLayout.WalDirectory, Path.GetFileName(segment))))
            {
                copied++;
            }
        }

        return copied;
    }

    private static async Task<List<BackupBlock>> ListBlocksAsync(string catalogPath, CancellationToken ct)
    {
        var blocks = new List<BackupBlock>();
        await using (var catalog = await SqliteBlockCatalog.OpenAsync(catalogPath, ct))
        {
            foreach (var block in await catalog.AllAsync(ct))
            {
                blocks.Add(new BackupBlock(block.Path, block.Bytes, block.Checksum));
            }
        }

        return blocks;
    }

    private static (int Copied, long Bytes) CopyBlocks(string data, string backup, List<BackupBlock> blocks, CancellationToken ct)
    {
        var problems = new List<string>();
        int copied = 0;
        long bytes = 0;
        foreach (var block in blocks)
        {
            ct.ThrowIfCancellationRequested();
            if (BlockCopy.IsPresent(backup, block))
            {
                continue;
            }

            var problem = BlockCopy.CopyVerified(data, backup, block);
            if (problem is null)
            {
                copied++;
                bytes += block.Bytes;
            }
            else
            {
                problems.Add(problem);
            }
        }

        return problems.Count == 0
            ? (copied, bytes)
            : throw new BackupException($"backup not taken, {problems.Count} block(s) could not be copied: {string.Join("; ", problems)}");
    }

    /// <summary>Copies every other file of the data directory (ingest patterns, retention audit log, …).</summary>
    private static int CopyState(string data, string snapshot)
    {
        var copied = 0;
        foreach (var file in Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(data, file).Replace('\\', '/');
            if (IsStateFile(relative) && BlockCopy.TryCopyFile(file, Path.Combine(snapshot, relative)))
            {
                copied++;
            }
        }

        return copied;
    }

    private static bool IsStateFile(string relative)
    {
        var top = relative.Split('/')[0];
        return top != DataDirectoryLayout.BlocksDirectory
            && top != DataDirectoryLayout.WalDirectory
            && top != "quarantine"
            && !relative.StartsWith(DataDirectoryLayout.CatalogFile, StringComparison.Ordinal)
            && !relative.EndsWith(".tmp", StringComparison.Ordinal);
    }

    private static void DeleteIfExists(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
