using Loggia.Storage.Blocks;
using Loggia.Storage.Catalog;
using Microsoft.Extensions.Logging;

namespace Loggia.Storage.Retention;

/// <summary>
/// The crash-safe sequence every rewrite of published blocks follows (retention, delete requests): write and fsync
/// the replacement, swap it for the old block in one catalog transaction, fsync the audit record, and delete the old
/// files only after the delete delay, so queries that already listed them finish reading. A crash before the swap
/// leaves an unpublished replacement that start-up garbage collection removes; after it, the old files are garbage.
/// Not thread-safe: one pass at a time.
/// </summary>
public sealed class BlockReplacement
{
    private readonly string _dataDirectory;
    private readonly IBlockCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly TimeSpan _deleteDelay;
    private readonly ILogger _logger;
    private readonly Queue<(DateTimeOffset Due, string Path)> _pendingDeletes = new();

    /// <summary>Creates the sequence for blocks of <paramref name="dataDirectory"/>; records go to <paramref name="audit"/>.</summary>
    public BlockReplacement(string dataDirectory, IBlockCatalog catalog, RetentionAuditLog audit, TimeProvider time, TimeSpan deleteDelay, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        _dataDirectory = dataDirectory;
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        Audit = audit ?? throw new ArgumentNullException(nameof(audit));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _deleteDelay = deleteDelay;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The audit log records are appended to.</summary>
    public RetentionAuditLog Audit { get; }

    /// <summary>Files of removed blocks waiting for the delete delay.</summary>
    public int PendingDeletes => _pendingDeletes.Count;

    /// <summary>
    /// Replaces <paramref name="block"/> by a block of <paramref name="remaining"/> (dropped when it is empty), then
    /// records <paramref name="describe"/>'s record for the replacement (null when dropped). Returns the record, or
    /// the conflict's reason when another writer replaced the block meanwhile (nothing changed then).
    /// </summary>
    public async Task<(RetentionRecord? Record, string? Conflict)> ReplaceAsync(
        BlockInfo block, IReadOnlyList<BlockStreamInput> remaining, DateTimeOffset publishedAt, BlockWriterOptions writerOptions,
        Func<WrittenBlock?, RetentionRecord> describe, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(remaining);
        ArgumentNullException.ThrowIfNull(describe);
        var kept = 0L;
        foreach (var stream in remaining)
        {
            kept += stream.Entries.Count;
        }

        var replacement = kept > 0 ? BlockWriter.Write(_dataDirectory, block.Tenant, remaining, writerOptions) : null;
        try
        {
            await _catalog.ReplaceAsync([block.Id], replacement is null ? [] : [replacement.ToBlockInfo(publishedAt, block.Level)], cancellationToken);
        }
        catch (CatalogConflictException e)
        {
            if (replacement is not null)
            {
                DeleteUnpublished(replacement);
            }

            return (null, e.Message);
        }

        var record = describe(replacement);
        Audit.Append(record);
        DeleteLater(block);
        return (record, null);
    }

    /// <summary>
    /// Replaces <paramref name="blocks"/> by one block of <paramref name="merged"/> at <paramref name="level"/> (compaction:
    /// nothing is removed, so nothing is audited). Returns the new block, or the conflict's reason when another writer
    /// replaced one of the blocks meanwhile (nothing changed then).
    /// </summary>
    public async Task<(WrittenBlock? Block, string? Conflict)> MergeAsync(
        IReadOnlyList<BlockInfo> blocks, IReadOnlyList<BlockStreamInput> merged, int level, DateTimeOffset publishedAt, BlockWriterOptions writerOptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(merged);
        var written = BlockWriter.Write(_dataDirectory, blocks[0].Tenant, merged, writerOptions);
        var removed = new List<string>(blocks.Count);
        foreach (var block in blocks)
        {
            removed.Add(block.Id);
        }

        try
        {
            await _catalog.ReplaceAsync(removed, [written.ToBlockInfo(publishedAt, level)], cancellationToken);
        }
        catch (CatalogConflictException e)
        {
            DeleteUnpublished(written);
            return (null, e.Message);
        }
        catch
        {
            // Not published (cancelled, or the catalog failed): the new files are garbage now, not at the next start.
            DeleteUnpublished(written);
            throw;
        }

        foreach (var block in blocks)
        {
            DeleteLater(block);
        }

        return (written, null);
    }

    private void DeleteLater(BlockInfo block)
    {
        var due = _time.GetUtcNow() + _deleteDelay;
        _pendingDeletes.Enqueue((due, Path.Combine(_dataDirectory, block.Path)));
        _pendingDeletes.Enqueue((due, Path.Combine(_dataDirectory, block.IndexPath)));
        _pendingDeletes.Enqueue((due, Path.Combine(_dataDirectory, block.TermsPath)));
    }

    private void DeleteUnpublished(WrittenBlock block)
    {
        var parquet = Path.Combine(_dataDirectory, block.RelativePath);
        File.Delete(parquet);
        File.Delete(WrittenBlock.IndexPathFor(parquet));
        File.Delete(TermIndex.BlockTerms.PathFor(parquet));
    }

    /// <summary>Deletes the files of removed blocks whose delete delay is over; returns how many were deleted.</summary>
    public int DeleteDueFiles()
    {
        var now = _time.GetUtcNow();
        var deleted = 0;
        while (_pendingDeletes.Count > 0 && _pendingDeletes.Peek().Due <= now)
        {
            var (_, path) = _pendingDeletes.Dequeue();
            try
            {
                File.Delete(path);
                deleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for the start-up garbage collection, which removes every file the catalog does not know.
                RetentionLog.DeleteFailed(_logger, path, e.Message);
            }
        }

        return deleted;
    }
}
