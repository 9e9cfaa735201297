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
}
