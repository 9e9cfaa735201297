using System.Globalization;
using Loggia.Storage.Catalog;

namespace Loggia.Storage.Blocks;

/// <summary>A block file and its index, durable on disk, ready to be recorded in the catalog.</summary>
/// <param name="Id">Block id (time-sortable: min time in hex, then a random suffix).</param>
/// <param name="Tenant">Owning tenant.</param>
/// <param name="RelativePath">Path of the Parquet file relative to the data directory.</param>
/// <param name="Bytes">Size of the Parquet file.</param>
/// <param name="Index">The block's index (also written as the sidecar).</param>
public sealed record WrittenBlock(string Id, string Tenant, string RelativePath, long Bytes, BlockIndex Index)
{
    /// <summary>The sidecar path for a block file path.</summary>
    public static string IndexPathFor(string parquetPath) => Path.ChangeExtension(parquetPath, ".idx");

    /// <summary>The catalog record of this block.</summary>
    /// <param name="createdAt">When the block was written.</param>
    /// <param name="level">0 for a block flushed from the head, more for a block rewritten by compaction or retention.</param>
    public BlockInfo ToBlockInfo(DateTimeOffset createdAt, int level) =>
        new(Id, Tenant, RelativePath.Replace('\\', '/'), Index.MinTime, Index.MaxTime, Index.Rows, Bytes, Index.Streams.Count,
            Index.ParquetChecksum.ToString("x8", CultureInfo.InvariantCulture), createdAt, level);
}
