using System.Globalization;
using Loggia.Core.IO;
using Loggia.Storage.Blocks;

namespace Loggia.Storage.Backup;

/// <summary>
/// Copies files durably (temporary file, fsync, rename, directory fsync) and blocks verifiably: a copied block's
/// Parquet file must match the CRC32C and length in its index, and the checksum the catalog recorded, before it is
/// renamed into place — a damaged block is never taken into a backup or restored from one.
/// </summary>
internal static class BlockCopy
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/> durably; false if the source vanished.</summary>
    public static bool TryCopyFile(string source, string target)
    {
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        var temporary = target + ".tmp";
        try
        {
            using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 20, FileOptions.SequentialScan);
            using var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            input.CopyTo(output, 1 << 20);
            output.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            File.Delete(temporary);
            return false;
        }

        File.Move(temporary, target, overwrite: true);
        DirectorySync.Flush(directory);
        return true;
    }

    /// <summary>
    /// Copies the block at <paramref name="sourceRoot"/>/<paramref name="block"/> (data file and index) to
    /// <paramref name="targetRoot"/> and verifies the copy; returns the problem, or null when the copy is good.
    /// </summary>
    public static string? CopyVerified(string sourceRoot, string targetRoot, BackupBlock block)
    {
        var sourceData = Path.Combine(sourceRoot, block.Path);
        var targetData = Path.Combine(targetRoot, block.Path);
        var index = Catalog.BlockInfo.IndexPathOf(block.Path);
        var targetIndex = Path.Combine(targetRoot, index);
        var temporaryData = targetData + ".copy";
        var temporaryIndex = targetIndex + ".copy";
        try
        {
            if (!TryCopyFile(sourceData, temporaryData) || !TryCopyFile(Path.Combine(sourceRoot, index), temporaryIndex))
            {
                return $"block {block.Path}: file missing";
            }

            var problem = Verify(temporaryData, temporaryIndex, block);
            if (problem is not null)
            {
                return problem;
            }

            File.Move(temporaryIndex, targetIndex, overwrite: true);
            File.Move(temporaryData, targetData, overwrite: true);
            DirectorySync.Flush(Path.GetDirectoryName(targetData)!);
            return null;
        }
        finally
        {
            File.Delete(temporaryData);
            File.Delete(temporaryIndex);
        }
    }

    /// <summary>Whether the block's files at <paramref name="root"/> exist with the size the manifest records.</summary>
    public static bool IsPresent(string root, BackupBlock block)
    {
        var data = new FileInfo(Path.Combine(root, block.Path));
        return data.Exists && data.Length == block.Bytes && File.Exists(Path.Combine(root, Catalog.BlockInfo.IndexPathOf(block.Path)));
    }

    private static string? Verify(string dataPath, string indexPath, BackupBlock block)
    {
        BlockIndex index;
        try
        {
            index = BlockIndex.Parse(File.ReadAllBytes(indexPath), indexPath);
        }
        catch (BlockCorruptException e)
        {
            return $"block {block.Path}: index unreadable ({e.Message})";
        }

        if (!BlockReader.Verify(dataPath, index))
        {
            return $"block {block.Path}: data does not match its index checksum (corrupt)";
        }

        var checksum = index.ParquetChecksum.ToString("x8", CultureInfo.InvariantCulture);
        return string.Equals(checksum, block.Checksum, StringComparison.Ordinal)
            ? null
            : $"block {block.Path}: checksum {checksum} differs from the catalog's {block.Checksum}";
    }
}
