using Loggia.Core.IO;

namespace Loggia.Storage.Backup;

/// <summary>
/// Restores a snapshot into a new data directory: the snapshot's catalog, WAL segments and state files, and every
/// block its manifest lists, each checked against its checksum. The directory is built beside the target and
/// renamed into place when complete, so a failed restore leaves no half data directory.
/// </summary>
public static class BackupRestorer
{
    /// <summary>
    /// Restores <paramref name="snapshot"/> (the newest when null) of <paramref name="backupDirectory"/> into
    /// <paramref name="dataDirectory"/>, which must not exist or be empty.
    /// </summary>
    /// <exception cref="BackupException">No such snapshot, the target is not empty, or a block is missing or damaged.</exception>
    public static Task<BackupSummary> RestoreAsync(string backupDirectory, string? snapshot, string dataDirectory, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(backupDirectory);
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var backup = Path.GetFullPath(backupDirectory);
        var target = Path.GetFullPath(dataDirectory).TrimEnd(Path.DirectorySeparatorChar);
        var snapshots = BackupLayout.Snapshots(backup);
        var name = snapshot ?? (snapshots.Count > 0 ? snapshots[^1] : throw new BackupException($"'{backup}' holds no snapshot"));
        if (!snapshots.Contains(name))
        {
            throw new BackupException($"'{backup}' has no snapshot {name} (snapshots: {string.Join(", ", snapshots)})");
        }

        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new BackupException($"'{target}' is not empty: restore into a new data directory");
        }

        var source = Path.Combine(backup, BackupLayout.SnapshotsDirectory, name);
        var manifest = BackupManifest.Read(Path.Combine(source, BackupLayout.ManifestFile));
        var building = target + ".restoring";
        if (Directory.Exists(building))
        {
            Directory.Delete(building, recursive: true);
        }

        try
        {
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(source, file);
                if (relative != BackupLayout.ManifestFile)
                {
                    BlockCopy.TryCopyFile(file, Path.Combine(building, relative));
                }
            }

            var problems = new List<string>();
            long bytes = 0;
            foreach (var block in manifest.Blocks)
            {
                ct.ThrowIfCancellationRequested();
                var problem = BlockCopy.CopyVerified(backup, building, block);
                if (problem is null)
                {
                    bytes += block.Bytes;
                }
                else
                {
                    problems.Add(problem);
                }
            }

            if (problems.Count > 0)
            {
                throw new BackupException($"snapshot {name} not restored, {problems.Count} block(s) are missing or damaged in the backup: {string.Join("; ", problems)}");
            }

            if (Directory.Exists(target))
            {
                Directory.Delete(target);
            }

            Directory.Move(building, target);
            DirectorySync.Flush(Path.GetDirectoryName(target)!);
            return Task.FromResult(new BackupSummary(name, manifest.Blocks.Count, manifest.Blocks.Count, bytes, manifest.WalSegments, manifest.StateFiles));
        }
        catch
        {
            if (Directory.Exists(building))
            {
                Directory.Delete(building, recursive: true);
            }

            throw;
        }
    }
}
