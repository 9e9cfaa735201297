namespace Loggia.Storage.Backup;

/// <summary>
/// The layout of a backup directory. Blocks never change once written, so one tree of them serves every snapshot
/// (a snapshot copies only the blocks the backup does not hold yet); each snapshot holds the rest of the data
/// directory as it was — the catalog, the WAL segments and the small state files — and a manifest of its blocks:
/// <code>
/// &lt;backup&gt;/blocks/&lt;tenant&gt;/…/&lt;block&gt;.parquet|.idx
/// &lt;backup&gt;/snapshots/&lt;yyyyMMddTHHmmssfffZ&gt;/catalog.db, wal/*.wal, ingest/…, retention/…, manifest.json
/// </code>
/// A snapshot is written under a hidden <c>.partial</c> name and renamed when complete, so a listed snapshot is always whole.
/// </summary>
public static class BackupLayout
{
    /// <summary>The directory of the snapshots.</summary>
    public const string SnapshotsDirectory = "snapshots";

    /// <summary>The file, in a snapshot, listing its blocks.</summary>
    public const string ManifestFile = "manifest.json";

    /// <summary>Suffix of a snapshot being written.</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>The complete snapshots of <paramref name="backupDirectory"/>, oldest first (names sort by time).</summary>
    public static IReadOnlyList<string> Snapshots(string backupDirectory)
    {
        var root = Path.Combine(backupDirectory, SnapshotsDirectory);
        if (!Directory.Exists(root))
        {
            return [];
        }

        var names = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories(root))
        {
            var name = Path.GetFileName(directory);
            if (!name.StartsWith('.') && File.Exists(Path.Combine(directory, ManifestFile)))
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
