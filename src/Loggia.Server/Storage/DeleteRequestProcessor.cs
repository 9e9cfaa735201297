using Loggia.Core.Model;
using Loggia.Query.Execution.Deletion;
using Loggia.Storage.Blocks;
using Loggia.Storage.Catalog;
using Loggia.Storage.Retention;
using Microsoft.Extensions.Logging;

namespace Loggia.Server.Storage;

/// <summary>
/// The compactor's part of deletes: once a request's cancellation period is over, every published block of its
/// tenant that overlaps its range and holds a covered stream is rewritten without the deleted entries (or dropped
/// when nothing is left) through the same <see cref="BlockReplacement"/> sequence as retention: replacement fsynced,
/// one atomic catalog swap, audit record, old files deleted after the delete delay. A processed request is swept
/// again over blocks published after its last pass, so entries that were still in the head (or arrived late) are
/// removed too.
/// </summary>
public sealed partial class DeleteRequestProcessor(
    StorageEngine storage,
    DeleteRequestRegistry registry,
    TimeProvider time,
    TimeSpan cancelPeriod,
    TimeSpan deleteDelay,
    BlockWriterOptions writerOptions,
    ILogger logger)
{
    private readonly BlockReplacement _replacement = new(storage.DataDirectory, storage.Catalog, new RetentionAuditLog(storage.DataDirectory), time, deleteDelay, logger);

    /// <summary>One pass over every due request; returns the audit records of the blocks it changed.</summary>
    public async Task<IReadOnlyList<RetentionRecord>> RunAsync(CancellationToken cancellationToken)
    {
        var changes = new List<RetentionRecord>();
        if (!registry.RemovesFromStorage)
        {
            return changes;
        }
        var pass = time.GetUtcNow();
        var passMs = pass.ToUnixTimeMilliseconds();
        foreach (var (tenant, requests) in await registry.AllAsync(cancellationToken))
        {
            var due = new List<(DeleteRequest Request, DeletionRule Rule)>();
            foreach (var (request, rule) in requests)
            {
                if (rule is not null && (request.SweptMs is not null || request.CreatedMs + (long)cancelPeriod.TotalMilliseconds <= passMs))
                {
                    due.Add((request, rule));
                }
            }
            if (due.Count == 0)
            {
                continue;
            }

            // The blocks each request must look at: those overlapping its range, published since its last pass.
            var blocks = new Dictionary<string, (BlockInfo Block, List<DeletionRule> Rules)>(StringComparer.Ordinal);
            foreach (var (request, rule) in due)
            {
                foreach (var block in await storage.Catalog.FindAsync(tenant, rule.StartNanos, rule.EndNanos, cancellationToken))
                {
                    if (request.SweptMs is { } swept && block.CreatedAt.ToUnixTimeMilliseconds() < swept)
                    {
                        continue;
                    }
                    if (!blocks.TryGetValue(block.Id, out var entry))
                    {
                        blocks[block.Id] = entry = (block, []);
                    }
                    entry.Rules.Add(rule);
                }
            }

            var complete = true;
            foreach (var (block, rules) in blocks.Values)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (record, ok) = await ApplyAsync(block, new DeletionFilter(rules), pass, cancellationToken);
                complete &= ok;
                if (record is not null)
                {
                    changes.Add(record);
                }
            }
            if (complete)
            {
                foreach (var (request, _) in due)
                {
                    await registry.MarkSweptAsync(request, passMs, cancellationToken);
                }
            }
        }
        _replacement.DeleteDueFiles();
        return changes;
    }

    private async Task<(RetentionRecord? Record, bool Ok)> ApplyAsync(BlockInfo block, DeletionFilter filter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var path = Path.Combine(storage.DataDirectory, block.Path);
        IReadOnlyList<BlockStreamInput> remaining;
        BlockIndex index;
        var deletions = new Dictionary<ulong, (string Labels, StreamDeletion Deletion, long Deleted)>();
        try
        {
            index = BlockReader.ReadIndex(path);
            foreach (var stream in index.Streams)
            {
                if (filter.ForStream(Labels.Parse(stream.Labels), stream.MinTime, stream.MaxTime) is { } deletion)
                {
                    deletions[stream.Fingerprint] = (stream.Labels, deletion, 0);
                }
            }
            if (deletions.Count == 0)
            {
                return (null, true);
            }
            remaining = BlockStreamReader.Read(path, index, static _ => long.MinValue, stream =>
            {
                if (!deletions.TryGetValue(stream.Fingerprint, out var d))
                {
                    return null;
                }
                var fingerprint = stream.Fingerprint;
                var pairs = new List<LabelPair>(); // reused for every row of the stream
                return (ts, line, metadata) =>
                {
                    if (!d.Deletion.IsDeleted(ts, line, ToPairs(metadata, pairs)))
                    {
                        return false;
                    }
                    var current = deletions[fingerprint];
                    deletions[fingerprint] = current with { Deleted = current.Deleted + 1 };
                    return true;
                };
            });
        }
        catch (Exception e) when (e is BlockCorruptException or IOException)
        {
            // fsck's business; the request stays due and this block is tried again on the next pass.
            LogSkipped(logger, block.Id, block.Tenant, e.Message);
            return (null, false);
        }

        long deleted = 0;
        var streams = new List<RetentionStreamRecord>();
        foreach (var (labels, _, count) in deletions.Values)
        {
            if (count > 0)
            {
                deleted += count;
                streams.Add(new RetentionStreamRecord(labels, "delete request", TimeSpan.Zero, 0, count));
            }
        }
        if (deleted == 0)
        {
            return (null, true);
        }

        var (record, conflict) = await _replacement.ReplaceAsync(
            block, remaining, block.CreatedAt, writerOptions, // request passes look at blocks by when their data arrived
            replacement => new RetentionRecord(now, block.Tenant, block.Id, replacement is null ? RetentionAction.Dropped : RetentionAction.Rewritten,
                replacement?.Id, deleted, block.Rows - deleted, streams),
            cancellationToken);
        if (record is null)
        {
            LogSkipped(logger, block.Id, block.Tenant, conflict ?? "conflict");
            return (null, false);
        }

        LogApplied(logger, block.Id, block.Tenant, deleted, record.RowsKept);
        return (record, true);
    }

    private static ReadOnlySpan<LabelPair> ToPairs(IReadOnlyList<KeyValuePair<string, string>>? metadata, List<LabelPair> pairs)
    {
        pairs.Clear();
        if (metadata is not null)
        {
            foreach (var (name, value) in metadata)
            {
                pairs.Add(new LabelPair(name, value));
            }
        }
        return System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pairs);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "delete requests removed {Deleted} entries from block {BlockId} of tenant {Tenant} ({Kept} kept)")]
    private static partial void LogApplied(ILogger logger, string blockId, string tenant, long deleted, long kept);

    [LoggerMessage(Level = LogLevel.Warning, Message = "delete requests skipped block {BlockId} of tenant {Tenant}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string blockId, string tenant, string reason);
}
