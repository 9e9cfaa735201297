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
                var parquet = Path.Combine(_dataDirectory, replacement.RelativePath);
                File.Delete(parquet);
                File.Delete(WrittenBlock.IndexPathFor(parquet));
            }

            return (null, e.Message);
        }

        var record = describe(replacement);
        Audit.Append(record);
        var due = _time.GetUtcNow() + _deleteDelay;
        _pendingDeletes.Enqueue((due, Path.Combine(_dataDirectory, block.Path)));
        _pendingDeletes.Enqueue((due, Path.Combine(_dataDirectory, block.IndexPath)));
        return (record, null);
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
