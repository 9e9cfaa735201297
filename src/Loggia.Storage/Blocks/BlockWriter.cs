using System.Globalization;
using Loggia.Core.Hashing;
using Loggia.Core.IO;
using Loggia.Core.Tokens;
using Loggia.Parquet.Data;
using Loggia.Parquet.Format;
using Loggia.Parquet.Writing;
using Loggia.Storage.TermIndex;

namespace Loggia.Storage.Blocks;

/// <summary>Settings of block files.</summary>
public sealed class BlockWriterOptions
{
    /// <summary>zstd level of block pages. Default 3.</summary>
    public int CompressionLevel { get; init; } = 3;

    /// <summary>Raw bytes per row group: small enough to skip well, large enough to compress well. Default 8 MiB.</summary>
    public long RowGroupRawBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>
    /// Rows per data page. Small pages make the timestamp page index fine-grained: within a stream
    /// rows are in time order, so a query's time range selects only a few pages of each stream.
    /// </summary>
    public int MaxRowsPerPage { get; init; } = 2048;

    /// <summary>
    /// Target false-positive rate of the per-row-group token bloom filters in the sidecar (they are sized from each
    /// row group's distinct-token count); 0 writes no filters. Default 0.01.
    /// </summary>
    public double BloomFalsePositiveRate { get; init; } = 0.01;

    /// <summary>
    /// Whether to write the block's term file (<c>.terms</c>: per hour, each term's line count) for the term index
    /// (ADR 0005). Default true.
    /// </summary>
    public bool TermIndex { get; init; } = true;
}

/// <summary>
/// Writes a tenant's streams into one immutable block: the Parquet file sorted by (labels, time)
/// and its index sidecar, each written to a temporary name, fsynced, renamed, and the directory
/// fsynced — so a block is either wholly on disk or absent. Recording it in the catalog is the
/// caller's next step; files not in the catalog are garbage collected at start.
/// </summary>
public static class BlockWriter
{
    private const int BatchRows = 4096;

    /// <summary>Writes a block under <paramref name="dataDirectory"/>; the streams need not be sorted.</summary>
    public static WrittenBlock Write(string dataDirectory, string tenant, IReadOnlyList<BlockStreamInput> streams, BlockWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(streams);
        options ??= new BlockWriterOptions();
        var sorted = new List<BlockStreamInput>(streams.Count);
        long minTime = long.MaxValue, maxTime = long.MinValue;
        foreach (var stream in streams)
        {
            if (stream.Entries.Count == 0)
            {
                continue;
            }

            sorted.Add(stream);
            minTime = Math.Min(minTime, stream.Entries[0].TimestampNanos);
            maxTime = Math.Max(maxTime, stream.Entries[^1].TimestampNanos);
        }

        if (sorted.Count == 0)
        {
            throw new ArgumentException("a block needs at least one entry", nameof(streams));
        }

        sorted.Sort(static (a, b) => string.CompareOrdinal(a.LabelsText, b.LabelsText));
        var id = string.Create(CultureInfo.InvariantCulture, $"{minTime:x16}-{Random.Shared.Next():x8}");
        var hour = DateTimeOffset.FromUnixTimeMilliseconds(minTime / 1_000_000);
        var relativeDirectory = Path.Combine("blocks", tenant, hour.ToString("yyyy", CultureInfo.InvariantCulture), hour.ToString("MM", CultureInfo.InvariantCulture),
            hour.ToString("dd", CultureInfo.InvariantCulture), hour.ToString("HH", CultureInfo.InvariantCulture));
        var directory = Path.Combine(dataDirectory, relativeDirectory);
        Directory.CreateDirectory(directory);
        var relativePath = Path.Combine(relativeDirectory, id + ".parquet");
        var path = Path.Combine(dataDirectory, relativePath);

        // The indexes (row-group blooms, the block's term file) are built on a second thread while this one encodes and
        // compresses the Parquet file: they read the same entries and cut row groups by the same rule, so a flush
        // takes about as long as its slower half and a busy server uses both cores for it.
        // A thread of its own rather than a pool thread: under load the pool's queue is full of requests, and the
        // flush would wait behind them (a thread per block is nothing next to writing 64 MiB).
        var indexing = options.TermIndex || options.BloomFalsePositiveRate > 0
            ? Task.Factory.StartNew(() => BuildIndexes(sorted, options, path), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            : null;
        long bytes, rows;
        uint checksum;
        List<BlockStreamRange> streamEntries;
        List<BlockIndexRowGroup> rowGroups;
        try
        {
            (bytes, checksum, streamEntries, rowGroups, rows) = WriteParquet(path + ".tmp", sorted, options);
        }
        catch
        {
            // Never leave the indexing thread reading entries the caller may release after a failed write; a term file
            // it wrote for the block that will not exist goes too (a crash leaves it to the orphan sweep at start).
            ((IAsyncResult?)indexing)?.AsyncWaitHandle.WaitOne();
            File.Delete(BlockTerms.PathFor(path));
            throw;
        }

        // Rethrows what the indexing thread threw as it was (not wrapped), like a write on this thread would.
        var blooms = indexing?.GetAwaiter().GetResult();
        if (blooms is not null && blooms.Count != rowGroups.Count)
        {
            throw new InvalidOperationException($"the block's blooms cover {blooms.Count} row groups, its Parquet file {rowGroups.Count}");
        }

        File.Move(path + ".tmp", path);
        var index = new BlockIndex(bytes, checksum, minTime, maxTime, rows, streamEntries, rowGroups, blooms);
        var indexPath = WrittenBlock.IndexPathFor(path);
        using (var file = new FileStream(indexPath + ".tmp", FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            file.Write(index.Serialize());
            file.Flush(flushToDisk: true);
        }

        File.Move(indexPath + ".tmp", indexPath);
        DirectorySync.Flush(directory);
        return new WrittenBlock(id, tenant, relativePath, bytes, index);
    }

    /// <summary>
    /// The row-group blooms (when a false-positive rate is set) of the entries, with row groups cut exactly as
    /// <see cref="WriteParquet"/> cuts them; writes the block's term file beside <paramref name="parquetPath"/> when
    /// the term index is on (fsynced and renamed; the block's directory is fsynced with the block's own files).
    /// </summary>
    private static List<RowGroupBlooms>? BuildIndexes(List<BlockStreamInput> streams, BlockWriterOptions options, string parquetPath)
    {
        // The collector counts terms per hour for the term file, and de-duplicates hashes for the row-group blooms.
        var terms = new BlockTermCollector();
        var tokens = options.BloomFalsePositiveRate > 0 ? new RowGroupTokens(options.BloomFalsePositiveRate, terms) : null;
        var blooms = tokens is null ? null : new List<RowGroupBlooms>();
        var cut = new RowGroupCut(options.RowGroupRawBytes);
        foreach (var stream in streams)
        {
            foreach (var entry in stream.Entries)
            {
                if (tokens is not null)
                {
                    tokens.Add(entry);
                }
                else
                {
                    terms.AddEntry(entry);
                }

                if (cut.Add(entry))
                {
                    blooms?.Add(tokens!.Build());
                }
            }
        }

        if (cut.HasOpenGroup)
        {
            blooms?.Add(tokens!.Build());
        }

        if (options.TermIndex)
        {
            terms.Build().WriteFor(parquetPath);
        }

        return blooms;
    }

    private static (long Bytes, uint Checksum, List<BlockStreamRange> Streams, List<BlockIndexRowGroup> RowGroups, long Rows) WriteParquet(
        string path, List<BlockStreamInput> streams, BlockWriterOptions options)
    {
        var streamEntries = new List<BlockStreamRange>(streams.Count);
        var rowGroups = new List<BlockIndexRowGroup>();
        var writerOptions = new ParquetWriterOptions
        {
            Compression = CompressionCodec.Zstd,
            CompressionLevel = options.CompressionLevel,
            RowGroupSizeBytes = long.MaxValue, // row groups are cut here, so their bounds can be indexed
            MaxRowsPerRowGroup = int.MaxValue,
            MaxRowsPerPage = options.MaxRowsPerPage,
            CreatedBy = "loggia",
        };
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        var crc = Crc32C.Seed;
        var checksum = new ObservedWriteStream(file, bytes => crc = Crc32C.Update(crc, bytes));
        long row = 0, groupStart = 0;
        var cut = new RowGroupCut(options.RowGroupRawBytes);
        long groupMin = long.MaxValue, groupMax = long.MinValue;
        using (var writer = new ParquetWriter(checksum, BlockSchema.Schema, writerOptions, leaveOpen: true))
        {
            var batch = new RowBatch(BlockSchema.Schema, BatchRows);
            foreach (var stream in streams)
            {
                var streamStart = row;
                foreach (var entry in stream.Entries)
                {
                    AppendRow(batch, stream, entry);
                    row++;
                    groupMin = Math.Min(groupMin, entry.TimestampNanos);
                    groupMax = Math.Max(groupMax, entry.TimestampNanos);
                    if (batch.RowCount == BatchRows)
                    {
                        writer.Write(batch);
                        batch.Clear();
                    }

                    if (cut.Add(entry))
                    {
                        writer.Write(batch);
                        batch.Clear();
                        writer.FlushRowGroup();
                        rowGroups.Add(new BlockIndexRowGroup(groupStart, row - groupStart, groupMin, groupMax));
                        groupStart = row;
                        groupMin = long.MaxValue;
                        groupMax = long.MinValue;
                    }
                }

                streamEntries.Add(new BlockStreamRange(stream.Fingerprint, stream.LabelsText, streamStart, row - streamStart,
                    stream.Entries[0].TimestampNanos, stream.Entries[^1].TimestampNanos));
            }

            writer.Write(batch);
            if (row > groupStart)
            {
                writer.FlushRowGroup();
                rowGroups.Add(new BlockIndexRowGroup(groupStart, row - groupStart, groupMin, groupMax));
            }
        }

        file.Flush(flushToDisk: true);
        return (checksum.Written, Crc32C.Finish(crc), streamEntries, rowGroups, row);
    }

    private static void AppendRow(RowBatch batch, BlockStreamInput stream, BlockEntry entry)
    {
        batch.Int64s(BlockSchema.Timestamp).Append(entry.TimestampNanos);
        batch.Int64s(BlockSchema.StreamId).Append(unchecked((long)stream.Fingerprint));
        var labels = batch.Maps(BlockSchema.Labels);
        foreach (var (name, value) in stream.Labels)
        {
            labels.AddEntry(name, value);
        }

        labels.EndRow();
        batch.Binaries(BlockSchema.Line).Append(entry.Line.Span);
        var metadata = batch.Maps(BlockSchema.Metadata);
        foreach (EntryMetadata.Pair pair in entry.Metadata)
        {
            metadata.AddEntry(pair.Name, pair.Value);
        }

        metadata.EndRow();
    }
}
