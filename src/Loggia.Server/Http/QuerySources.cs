using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.Execution.Deletion;
using Loggia.Query.Sources;
using Loggia.Server.Storage;
using Loggia.Storage.Blocks;

namespace Loggia.Server.Http;

/// <summary>
/// Opens what a read request scans, the same way for every endpoint: the head (taken first) and the published
/// blocks overlapping the range, minus the blocks the head still serves, so no entry is seen twice; and the
/// streams (label sets) of a range from the head and the blocks' index sidecars without reading any line.
/// </summary>
/// <remarks>
/// Entries removed by delete requests are hidden here, for every endpoint (Loki's query-time filtering). A block that
/// cannot be read is skipped, logged and counted by <paramref name="reporter"/>, for every endpoint too; query endpoints
/// pass their own <see cref="UnreadableBlocks"/> to turn the skipped blocks into warnings (docs/integrity.md).
/// </remarks>
public sealed class QuerySources(StorageEngine storage, DeleteRequestRegistry deletes, UnreadableBlockReporter reporter)
{
    /// <summary>A collector for one request: its skipped blocks are logged and counted, then listed as warnings.</summary>
    public UnreadableBlocks NewUnreadableBlocks() => reporter.NewRequest();

    /// <summary>
    /// The head (first) and the published blocks overlapping [start, end), minus blocks the head still serves. Each
    /// block carries its catalog time bounds, so limit queries open them in time order and only as far as needed.
    /// Blocks the term index rules out for the filter's required line terms are left out (counted in
    /// <paramref name="statistics"/>). Block scans count row groups read and skipped by bloom filters there, when given.
    /// Unreadable blocks are skipped and reported to <paramref name="unreadable"/> (a fresh collector when null).
    /// </summary>
    public async Task<List<ILogSource>> OpenAsync(TenantId tenant, StreamMatcher matcher, LinePipeline lineFilter, long start, long end, CancellationToken cancellationToken,
        BlockScanStatistics? statistics = null, UnreadableBlocks? unreadable = null)
    {
        unreadable ??= reporter.NewRequest();
        var deletion = await deletes.FilterAsync(tenant, start, end, cancellationToken);
        var head = HeadLogSource.Select(storage.Head, tenant, matcher, start, end);
        var sources = new List<ILogSource> { Filtered(head, deletion) };
        var blocks = await storage.Catalog.FindAsync(tenant.Value, start, Math.Max(start, end - 1), cancellationToken);

        // The term index rules out blocks of hours without every required line term (ADR 0005). Only line terms: a
        // required metadata pair may be held by a stream label instead, which the index does not know.
        var ruledOut = storage.Options.TermIndexEnabled && lineFilter.Tokens.LineTokens.Count > 0
            ? storage.TermIndex.Skippable(tenant.Value, blocks, lineFilter.Tokens.LineTokens, statistics)
            : null;
        foreach (var block in blocks)
        {
            if (!head.BlocksStillInHead.Contains(block.Id) && ruledOut?.Contains(block.Id) != true)
            {
                sources.Add(Filtered(new BlockLogSource(Path.Combine(storage.DataDirectory, block.Path), lineFilter, block.MinTimeNanos, block.MaxTimeNanos, statistics, unreadable), deletion));
            }
        }

        return sources;
    }

    private static ILogSource Filtered(ILogSource source, DeletionFilter? deletion) =>
        deletion is null ? source : new DeletionFilteringSource(source, deletion);

    /// <summary>
    /// Streams (label sets) of a tenant in [start, end] from the head and the blocks' index sidecars; a block whose
    /// sidecar cannot be read is skipped and reported to <paramref name="unreadable"/> (a fresh collector when null).
    /// </summary>
    public async Task<List<Labels>> SeriesAsync(TenantId tenant, StreamMatcher matcher, long start, long end, CancellationToken cancellationToken,
        UnreadableBlocks? unreadable = null)
    {
        unreadable ??= reporter.NewRequest();
        var result = new Dictionary<string, Labels>(StringComparer.Ordinal);
        foreach (var labels in storage.Head.Series(tenant, matcher.Matches, start, end))
        {
            result[labels.ToString()] = labels;
        }

        foreach (var block in await storage.Catalog.FindAsync(tenant.Value, start, end, cancellationToken))
        {
            var path = Path.Combine(storage.DataDirectory, block.Path);
            BlockIndex index;
            try
            {
                index = BlockReader.ReadIndex(path);
            }
            catch (Exception e) when (BlockLogSource.IsUnreadable(e))
            {
                unreadable.Report(new UnreadableBlock(path, block.MinTimeNanos, block.MaxTimeNanos, UnreadableBlock.ReasonOf(e)));
                continue;
            }

            foreach (var stream in index.Streams)
            {
                if (stream.MaxTime < start || stream.MinTime > end || result.ContainsKey(stream.Labels))
                {
                    continue;
                }

                var labels = Labels.Parse(stream.Labels);
                if (matcher.Matches(labels))
                {
                    result[stream.Labels] = labels;
                }
            }
        }

        return [.. result.Values];
    }

    /// <summary>
    /// Calls <paramref name="visit"/> for every stream of every source in [start, end), one source at a time (so at
    /// most one block's matching entries are in memory), in the given direction within each stream. Returns false
    /// from <paramref name="visit"/> to stop early.
    /// </summary>
    public async Task ScanAsync(TenantId tenant, StreamMatcher matcher, LinePipeline lineFilter, long start, long end, QueryDirection direction, Func<IStreamCursor, bool> visit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(visit);
        var sources = await OpenAsync(tenant, matcher, lineFilter, start, end, cancellationToken);
        var request = new LogScanRequest(tenant, matcher, start, end, direction);
        foreach (var source in sources)
        {
            var cursors = source.OpenStreams(request, cancellationToken);
            var stop = false;
            try
            {
                foreach (var cursor in cursors)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!visit(cursor))
                    {
                        stop = true;
                        break;
                    }
                }
            }
            finally
            {
                foreach (var cursor in cursors)
                {
                    cursor.Dispose();
                }
            }

            if (stop)
            {
                return;
            }
        }
    }
}
