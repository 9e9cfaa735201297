namespace Loggia.Storage.Catalog;

/// <summary>
/// Finds block files that the catalog does not know, for garbage collection at start.
/// </summary>
/// <remarks>
/// <para>
/// Layout assumed (and written by the block writer):
/// <c>&lt;dataDir&gt;/blocks/&lt;tenant&gt;/&lt;yyyy&gt;/&lt;mm&gt;/&lt;dd&gt;/&lt;hh&gt;/&lt;blockId&gt;.parquet</c>,
/// its index sidecar <c>&lt;blockId&gt;.idx</c> and term file <c>&lt;blockId&gt;.terms</c> beside it, and temporary files ending in <c>.tmp</c>
/// while a block is being written. Only the <c>blocks/</c> subtree is searched; the depth of the
/// partition directories is not checked, a file is judged by its relative path alone.
/// </para>
/// <para>
/// Publishing is write temp → fsync → rename → record in the catalog, so a block file that is not
/// in the catalog belongs to a publish that never completed (or to a compaction whose inputs were
/// already swapped out) and is garbage. A <c>.tmp</c> file is always garbage at start.
/// Files with any other extension are never listed: we delete only what we create.
/// </para>
/// </remarks>
public static class OrphanFiles
{
    /// <summary>Name of the directory, under the data directory, that holds every block file.</summary>
    public const string BlocksDirectory = "blocks";

    /// <summary>Extension of the temporary files a block is written to before its rename.</summary>
    public const string TempExtension = ".tmp";

    /// <summary>
    /// Full paths of the <c>.parquet</c>, <c>.idx</c>, <c>.terms</c> and <c>.tmp</c> files under
    /// <c>&lt;dataDirectory&gt;/blocks/</c> that belong to no block in <paramref name="catalogued"/>,
    /// in ordinal order. Empty when the blocks directory does not exist.
    /// </summary>
    /// <param name="dataDirectory">The data directory that block paths are relative to.</param>
    /// <param name="catalogued">Every block in the catalog (<see cref="IBlockCatalog.AllAsync"/>), read before listing files.</param>
    /// <param name="modifiedBefore">
    /// When set, only files last written before this instant are listed. Use it when a writer may
    /// be running (anything later than a start-up pass): a block renamed into place but not yet
    /// recorded is not garbage yet. At start, with no writer, leave it null.
    /// </param>
    public static IReadOnlyList<string> Find(
        string dataDirectory,
        IReadOnlyCollection<BlockInfo> catalogued,
        DateTimeOffset? modifiedBefore = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(catalogued);

        var root = Path.GetFullPath(dataDirectory);
        var blocksRoot = Path.Combine(root, BlocksDirectory);
        if (!Directory.Exists(blocksRoot))
        {
            return [];
        }

        // Catalogued paths are relative with '/' separators; compare in that form.
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var block in catalogued)
        {
            known.Add(block.Path);
            known.Add(block.IndexPath);
            known.Add(block.TermsPath);
        }

        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            // Hidden files are included (a writer may use a dot-prefixed temp name); symbolic links
            // are skipped, so a link can never lead the collector outside the data directory.
            AttributesToSkip = FileAttributes.ReparsePoint,
            IgnoreInaccessible = false,
            MatchType = MatchType.Simple,
        };

        var orphans = new List<string>();
        foreach (var file in Directory.EnumerateFiles(blocksRoot, "*", options))
        {
            if (!IsBlockFile(file))
            {
                continue;
            }

            var relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (!file.EndsWith(TempExtension, StringComparison.Ordinal) && known.Contains(relative))
            {
                continue;
            }

            if (modifiedBefore is { } cutoff && File.GetLastWriteTimeUtc(file) >= cutoff.UtcDateTime)
            {
                continue;
            }

            orphans.Add(file);
        }

        orphans.Sort(StringComparer.Ordinal);
        return orphans;
    }

    private static bool IsBlockFile(string file) =>
        file.EndsWith(BlockInfo.DataExtension, StringComparison.Ordinal)
        || file.EndsWith(BlockInfo.IndexExtension, StringComparison.Ordinal)
        || file.EndsWith(BlockInfo.TermsExtension, StringComparison.Ordinal)
        || file.EndsWith(TempExtension, StringComparison.Ordinal);
}
