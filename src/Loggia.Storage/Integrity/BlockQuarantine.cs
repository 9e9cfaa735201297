using Loggia.Storage.Catalog;

namespace Loggia.Storage.Integrity;

/// <summary>
/// Moves damaged blocks out of service: their files go to <c>&lt;data&gt;/quarantine/</c> under the same relative
/// path (kept for inspection, never deleted), then their catalog entries are removed in one transaction, so queries
/// stop reading — and warning about — them. Files are moved first: a crash in between leaves catalog entries whose
/// files are missing, which the next <c>fsck --quarantine</c> removes; never a catalogued block in quarantine.
/// </summary>
public static class BlockQuarantine
{
    /// <summary>Name of the directory, under the data directory, that holds quarantined blocks.</summary>
    public const string Directory = "quarantine";

    /// <summary>Quarantines the catalogued blocks <paramref name="blockIds"/>; returns the blocks moved.</summary>
    public static async Task<IReadOnlyList<BlockInfo>> RunAsync(string dataDirectory, IBlockCatalog catalog, IReadOnlyCollection<string> blockIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(blockIds);
        var root = Path.GetFullPath(dataDirectory);
        var chosen = new List<BlockInfo>();
        foreach (var block in await catalog.AllAsync(cancellationToken))
        {
            if (blockIds.Contains(block.Id))
            {
                chosen.Add(block);
            }
        }

        if (chosen.Count == 0)
        {
            return chosen;
        }

        foreach (var block in chosen)
        {
            Move(root, block.Path);
            Move(root, block.IndexPath);
            Move(root, block.TermsPath);
        }

        var ids = new List<string>(chosen.Count);
        foreach (var block in chosen)
        {
            ids.Add(block.Id);
        }

        await catalog.ReplaceAsync(ids, [], cancellationToken);
        return chosen;
    }

    private static void Move(string root, string relative)
    {
        var source = Path.Combine(root, relative);
        if (!File.Exists(source))
        {
            return; // a missing file is why the block is quarantined: nothing to keep
        }

        var target = Path.Combine(root, Directory, relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(source, target, overwrite: true);
    }
}
