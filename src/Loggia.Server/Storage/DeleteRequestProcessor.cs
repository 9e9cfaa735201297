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
/// when nothing is left), exactly as retention rewrites blocks: replacement fsynced, one atomic catalog swap, audit
/// record, old files deleted after the delete delay. A processed request is swept again over blocks published after
/// its last pass, so entries that were still in the head (or arrived late) are removed too.
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
    private readonly RetentionAuditLog _audit = new(storage.DataDirectory);
    private readonly Queue<(DateTimeOffset Due, string Path)> _pendingDeletes = new();

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
        DeleteDueFiles();
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
                return (ts, line, metadata) =>
                {
                    if (!d.Deletion.IsDeleted(ts, line, ToPairs(metadata)))
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

        long kept = 0;
        foreach (var s in remaining)
        {
            kept += s.Entries.Count;
        }
        var replacement = kept > 0 ? BlockWriter.Write(storage.DataDirectory, block.Tenant, remaining, writerOptions) : null;
        try
        {
            // The replacement keeps the block's publication time: request passes look at blocks by when their data arrived.
            await storage.Catalog.ReplaceAsync([block.Id], replacement is null ? [] : [replacement.ToBlockInfo(block.CreatedAt, block.Level)], cancellationToken);
        }
        catch (CatalogConflictException e)
        {
            if (replacement is not null)
            {
                File.Delete(Path.Combine(storage.DataDirectory, replacement.RelativePath));
                File.Delete(WrittenBlock.IndexPathFor(Path.Combine(storage.DataDirectory, replacement.RelativePath)));
            }
            LogSkipped(logger, block.Id, block.Tenant, e.Message);
            return (null, false);
        }

        var action = replacement is null ? RetentionAction.Dropped : RetentionAction.Rewritten;
        var record = new RetentionRecord(now, block.Tenant, block.Id, action, replacement?.Id, deleted, kept, streams);
        _audit.Append(record);
        LogApplied(logger, block.Id, block.Tenant, deleted, kept);
        var due = now + deleteDelay;
        _pendingDeletes.Enqueue((due, path));
        _pendingDeletes.Enqueue((due, Path.Combine(storage.DataDirectory, block.IndexPath)));
        return (record, true);
    }

    private static LabelPair[] ToPairs(IReadOnlyList<KeyValuePair<string, string>>? metadata)
    {
        if (metadata is null || metadata.Count == 0)
        {
            return [];
        }
        var pairs = new LabelPair[metadata.Count];
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = new LabelPair(metadata[i].Key, metadata[i].Value);
        }
        return pairs;
    }

    private void DeleteDueFiles()
    {
        var now = time.GetUtcNow();
        while (_pendingDeletes.Count > 0 && _pendingDeletes.Peek().Due <= now)
        {
            var (_, path) = _pendingDeletes.Dequeue();
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for the start-up garbage collection, which removes every file the catalog does not know.
                LogDeleteFailed(logger, path, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "delete requests removed {Deleted} entries from block {BlockId} of tenant {Tenant} ({Kept} kept)")]
    private static partial void LogApplied(ILogger logger, string blockId, string tenant, long deleted, long kept);

    [LoggerMessage(Level = LogLevel.Warning, Message = "delete requests skipped block {BlockId} of tenant {Tenant}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string blockId, string tenant, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not delete file {Path}: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, string path, string reason);
}
