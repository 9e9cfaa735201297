using Loggia.Core.Hashing;
using Loggia.Parquet;
using Loggia.Parquet.Data;
using Loggia.Parquet.Reading;

namespace Loggia.Storage.Blocks;

/// <summary>
/// Reads a block: opens the Parquet file, and returns the rows of chosen streams within a time
/// range batch by batch, reading only the row groups whose time bounds overlap and, within them,
/// only the pages that hold the chosen streams' rows. Damage surfaces as <see cref="BlockCorruptException"/>.
/// Not thread-safe (one reader per query thread).
/// </summary>
public sealed class BlockReader : IDisposable
{
    private static readonly int[] QueryColumns = [BlockSchema.Timestamp, BlockSchema.StreamId, BlockSchema.Line, BlockSchema.Metadata];
    private readonly ParquetReader _parquet;
    private readonly string _path;

    private BlockReader(string path, BlockIndex index, ParquetReader parquet)
    {
        _path = path;
        Index = index;
        _parquet = parquet;
    }

    /// <summary>The block's index.</summary>
    public BlockIndex Index { get; }

    /// <summary>Opens the block at <paramref name="path"/> with its already-loaded <paramref name="index"/>.</summary>
    public static BlockReader Open(string path, BlockIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        ParquetReader parquet;
        try
        {
            parquet = ParquetReader.Open(path);
        }
        catch (ParquetFormatException e)
        {
            throw new BlockCorruptException("block file is unreadable: " + e.Reason, path, e);
        }

        if (parquet.RowCount != index.Rows || parquet.RowGroupCount != index.RowGroups.Count || parquet.Schema.IndexOf("line") != BlockSchema.Line || parquet.Schema.Columns.Count != BlockSchema.Schema.Columns.Count)
        {
            parquet.Dispose();
            throw new BlockCorruptException($"block file does not match its index ({parquet.RowCount} rows, index says {index.Rows})", path);
        }

        return new BlockReader(path, index, parquet);
    }

    /// <summary>Loads the index sidecar of the block at <paramref name="parquetPath"/>.</summary>
    public static BlockIndex ReadIndex(string parquetPath)
    {
        var indexPath = WrittenBlock.IndexPathFor(parquetPath);
        byte[] data;
        try
        {
            data = File.ReadAllBytes(indexPath);
        }
        catch (FileNotFoundException e)
        {
            throw new BlockCorruptException("block index is missing", indexPath, e);
        }

        return BlockIndex.Parse(data, indexPath);
    }

    /// <summary>Recomputes the block file's CRC32C and length and compares them with the index.</summary>
    public static bool Verify(string parquetPath, BlockIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        using var file = new FileStream(parquetPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        if (file.Length != index.ParquetLength)
        {
            return false;
        }

        var buffer = new byte[1 << 20];
        var crc = Crc32C.Seed;
        int read;
        while ((read = file.Read(buffer)) > 0)
        {
            crc = Crc32C.Update(crc, buffer.AsSpan(0, read));
        }

        return Crc32C.Finish(crc) == index.ParquetChecksum;
    }

    /// <summary>
    /// Reads the rows of the streams at <paramref name="streamIndexes"/> (positions in
    /// <see cref="BlockIndex.Streams"/>, ascending) that may fall in [<paramref name="from"/>, <paramref name="to"/>]:
    /// whole row groups outside the range are skipped; rows are not filtered by time here (the caller
    /// checks each timestamp). Each batch holds timestamp, stream_id, line and metadata.
    /// <paramref name="onBatch"/> returns false to stop early. With <paramref name="required"/>, row groups whose token
    /// filters rule out a required token are skipped too (sidecars without filters skip nothing);
    /// <paramref name="statistics"/>, when given, counts what was read and skipped.
    /// </summary>
    public void Read(IReadOnlyList<int> streamIndexes, long from, long to, RowBatch batch, Func<RowBatch, bool> onBatch,
        RequiredTokens? required = null, BlockScanStatistics? statistics = null)
    {
        ArgumentNullException.ThrowIfNull(streamIndexes);
        ArgumentNullException.ThrowIfNull(onBatch);
        var groups = Index.RowGroups;
        var blooms = required is { IsEmpty: false } ? Index.Blooms : null;
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            if (group.MaxTime < from || group.MinTime > to)
            {
                continue;
            }

            if (blooms is not null)
            {
                statistics?.AddTestedByBloom();
                if (!blooms[g].MayMatch(required!))
                {
                    statistics?.AddSkippedByBloom(CompressedBytes(g));
                    continue;
                }
            }

            var selection = new RowSelection();
            foreach (var s in streamIndexes)
            {
                var stream = Index.Streams[s];
                if (stream.MaxTime < from || stream.MinTime > to)
                {
                    continue;
                }

                var start = Math.Max(stream.FirstRow, group.FirstRow) - group.FirstRow;
                var end = Math.Min(stream.FirstRow + stream.RowCount, group.FirstRow + group.RowCount) - group.FirstRow;
                selection.Add(start, end);
            }

            selection = NarrowByTime(g, group, selection, from, to);
            if (selection.RowCount == 0)
            {
                continue;
            }

            try
            {
                _parquet.ReadRowGroup(g, batch, QueryColumns, selection.RowCount == group.RowCount ? null : selection);
            }
            catch (ParquetFormatException e)
            {
                throw new BlockCorruptException("block data is unreadable: " + e.Reason, _path, e);
            }

            statistics?.AddRead(CompressedBytes(g));
            if (!onBatch(batch))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Whether no row group of <paramref name="index"/> in [<paramref name="from"/>, <paramref name="to"/>] can hold
    /// an entry with every <paramref name="required"/> token, so the block need not be opened at all. Counts those
    /// row groups as skipped in <paramref name="statistics"/>, with the whole file's bytes (none of it is read).
    /// </summary>
    public static bool CanSkip(BlockIndex index, RequiredTokens? required, long from, long to, BlockScanStatistics? statistics = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (required is not { IsEmpty: false } || index.Blooms is not { } blooms)
        {
            return false;
        }

        var groups = 0;
        for (var g = 0; g < index.RowGroups.Count; g++)
        {
            var group = index.RowGroups[g];
            if (group.MaxTime < from || group.MinTime > to)
            {
                continue;
            }

            if (blooms[g].MayMatch(required))
            {
                return false;
            }

            groups++;
        }

        statistics?.AddSkippedBlock(groups, index.ParquetLength);
        return true;
    }

    /// <summary>Compressed bytes of a row group's column chunks (the bytes a full read of it would fetch).</summary>
    private long CompressedBytes(int rowGroup)
    {
        var total = 0L;
        foreach (var column in _parquet.Metadata.RowGroups[rowGroup].Columns)
        {
            total += column.MetaData?.TotalCompressedSize ?? 0;
        }

        return total;
    }

    /// <summary>Keeps only rows of timestamp pages whose bounds overlap [from, to], when the block has a page index.</summary>
    private RowSelection NarrowByTime(int rowGroup, BlockIndexRowGroup group, RowSelection selection, long from, long to)
    {
        if (from <= group.MinTime && to >= group.MaxTime)
        {
            return selection;
        }

        try
        {
            var columnIndex = _parquet.ReadColumnIndex(rowGroup, BlockSchema.Timestamp);
            var offsetIndex = _parquet.ReadOffsetIndex(rowGroup, BlockSchema.Timestamp);
            return columnIndex is null || offsetIndex is null
                ? selection
                : selection.Intersect(PagePruning.SelectInt64Range(columnIndex, offsetIndex, group.RowCount, from, to));
        }
        catch (ParquetFormatException e)
        {
            throw new BlockCorruptException("block page index is unreadable: " + e.Reason, _path, e);
        }
    }

    public void Dispose() => _parquet.Dispose();
}
