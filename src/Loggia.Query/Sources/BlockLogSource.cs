using System.Collections.Concurrent;
using Loggia.Core.Model;
using Loggia.Parquet.Data;
using Loggia.Query.Execution;
using Loggia.Storage.Blocks;

namespace Loggia.Query.Sources;

/// <summary>
/// One published block as a query source: matches the block's streams from its index sidecar
/// (no Parquet read for streams that do not match), then reads only their rows in the time range.
/// Line filters are applied during the scan (<paramref name="lineFilter"/>), so only matching lines
/// are copied out of the batch buffers; the engine applies its pipeline again to what is returned.
/// </summary>
/// <param name="blockPath">The block's Parquet file.</param>
/// <param name="lineFilter">The query's line filters, evaluated on the raw line bytes while scanning.</param>
/// <param name="minTimeNanos">The block's first timestamp (from the catalog), so limit queries can skip it unopened.</param>
/// <param name="maxTimeNanos">The block's last timestamp (inclusive).</param>
/// <param name="statistics">Counts row groups read and skipped by token filters (the filter's <see cref="LinePipeline.Tokens"/>), when given.</param>
/// <param name="unreadable">
/// When given, a block that cannot be read (damaged, truncated, missing) is reported there and yields no streams, so
/// the query answers from the healthy data; when null, the error propagates.
/// </param>
public sealed class BlockLogSource(string blockPath, LinePipeline? lineFilter = null, long minTimeNanos = long.MinValue, long maxTimeNanos = long.MaxValue,
    BlockScanStatistics? statistics = null, UnreadableBlocks? unreadable = null) : ILogSource
{
    /// <summary>Parsed labels per label text, shared across queries: the sidecar stores canonical strings.</summary>
    private static readonly ConcurrentDictionary<string, Labels> LabelsCache = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public long MinTimeNanos => minTimeNanos;

    /// <inheritdoc/>
    public long MaxTimeNanos => maxTimeNanos;

    /// <inheritdoc/>
    public IReadOnlyList<IStreamCursor> OpenStreams(LogScanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return Scan(request, cancellationToken);
        }
        catch (Exception e) when (unreadable is not null && IsUnreadable(e))
        {
            unreadable.Report(new UnreadableBlock(blockPath, minTimeNanos, maxTimeNanos, UnreadableBlock.ReasonOf(e)));
            return [];
        }
    }

    /// <summary>
    /// Errors that mean "this block's bytes cannot be trusted or reached": damage found by the reader, a missing or
    /// short file, and a decompressor rejecting a page. Anything else (cancellation, bugs) still fails the query.
    /// </summary>
    public static bool IsUnreadable(Exception exception) =>
        exception is BlockCorruptException or IOException or InvalidDataException or UnauthorizedAccessException;

    private List<IStreamCursor> Scan(LogScanRequest request, CancellationToken cancellationToken)
    {
        var index = BlockReader.ReadIndex(blockPath);
        if (index.MaxTime < request.StartNanos || index.MinTime >= request.EndNanos)
        {
            return [];
        }

        var chosen = new List<int>();
        var byFingerprint = new Dictionary<long, (Labels Labels, List<LogEntry> Entries)>();
        for (var s = 0; s < index.Streams.Count; s++)
        {
            var stream = index.Streams[s];
            if (stream.MaxTime < request.StartNanos || stream.MinTime >= request.EndNanos)
            {
                continue;
            }

            var labels = LabelsCache.GetOrAdd(stream.Labels, static text => Labels.Parse(text));
            if (request.StreamMatcher.Matches(labels))
            {
                chosen.Add(s);
                byFingerprint[unchecked((long)stream.Fingerprint)] = (labels, []);
            }
        }

        if (chosen.Count == 0)
        {
            return [];
        }

        var tokens = lineFilter?.Tokens ?? TokenRequirements.None;
        var required = tokens.IsEmpty ? null : tokens.ForBlock(name => HasLabel(byFingerprint, name));
        if (BlockReader.CanSkip(index, required, request.StartNanos, request.EndNanos - 1, statistics))
        {
            return []; // the blooms rule out every row group in range: the Parquet file is not even opened
        }

        using (var reader = BlockReader.Open(blockPath, index))
        {
            var batch = new RowBatch(BlockSchema.Schema, 4096);
            var arena = new LineArena();
            reader.Read(chosen, request.StartNanos, request.EndNanos - 1, batch, b =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                Collect(b, request, byFingerprint, lineFilter is { IsNoop: false } ? lineFilter : null, arena);
                return true;
            }, required, statistics);
        }

        var cursors = new List<IStreamCursor>(byFingerprint.Count);
        foreach (var (labels, entries) in byFingerprint.Values)
        {
            if (entries.Count > 0)
            {
                cursors.Add(new ListStreamCursor(labels, entries, request.Direction));
            }
        }

        return cursors;
    }

    private static bool HasLabel(Dictionary<long, (Labels Labels, List<LogEntry> Entries)> streams, string name)
    {
        foreach (var (labels, _) in streams.Values)
        {
            if (labels.Has(name))
            {
                return true;
            }
        }

        return false;
    }

    private static void Collect(RowBatch batch, LogScanRequest request, Dictionary<long, (Labels Labels, List<LogEntry> Entries)> streams, LinePipeline? filter, LineArena arena)
    {
        var timestamps = batch.Int64s(BlockSchema.Timestamp);
        var ids = batch.Int64s(BlockSchema.StreamId);
        var lines = batch.Binaries(BlockSchema.Line);
        var metadata = batch.Maps(BlockSchema.Metadata);
        for (var r = 0; r < batch.RowCount; r++)
        {
            var ts = timestamps[r];
            if (ts < request.StartNanos || ts >= request.EndNanos || (filter is not null && !filter.Matches(lines[r])) || !streams.TryGetValue(ids[r], out var stream))
            {
                continue;
            }

            var pairs = ReadOnlyMemory<LabelPair>.Empty;
            var entryCount = metadata.EntryCount(r);
            if (entryCount > 0)
            {
                var array = new LabelPair[entryCount];
                var first = metadata.EntryOffsets[r];
                for (var e = 0; e < entryCount; e++)
                {
                    array[e] = new LabelPair(metadata.Keys.GetString(first + e), metadata.Values.GetString(first + e));
                }

                pairs = array;
            }

            // Lines outlive the batch buffers: copy them into shared chunks, not one array per line.
            stream.Entries.Add(new LogEntry(ts, arena.Copy(lines[r]), pairs));
        }
    }
}
