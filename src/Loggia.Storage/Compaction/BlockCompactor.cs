using System.Diagnostics;
using Loggia.Core.Diagnostics;
using Loggia.Storage.Blocks;
using Loggia.Storage.Catalog;
using Loggia.Storage.Retention;
using Microsoft.Extensions.Logging;

namespace Loggia.Storage.Compaction;

/// <summary>
/// Merges small published blocks of a tenant and hour into blocks of about the target size
/// (<see cref="CompactionPlanner"/>), so that a long time range is answered from few files with few sidecars.
/// </summary>
/// <remarks>
/// Crash-safe through <see cref="BlockReplacement"/>: the merged block is written and fsynced, then swapped for its
/// inputs in one catalog transaction; the inputs' files are deleted only after the delete delay, so queries that
/// listed them finish reading (queries never wait for compaction). A crash before the swap leaves an unpublished
/// block that start-up garbage collection removes, and the inputs stay published. After each merge the compactor
/// pauses as long as the merge took: it uses at most about half of a core, and ingest keeps its rate. A block that
/// cannot be read is left out of its merge (fsck reports it). Not thread-safe: one pass at a time.
/// </remarks>
public sealed partial class BlockCompactor : IDisposable
{
    private readonly string _dataDirectory;
    private readonly IBlockCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly long _targetBytes;
    private readonly int _maxInputs;
    private readonly BlockWriterOptions _writerOptions;
    private readonly ILogger _logger;
    private readonly CompactionMetrics _metrics;
    private readonly BlockReplacement _replacement;

    /// <summary>Creates a compactor of the blocks of <paramref name="dataDirectory"/> towards <paramref name="targetBytes"/> per block.</summary>
    public BlockCompactor(
        string dataDirectory,
        IBlockCatalog catalog,
        TimeProvider time,
        TimeSpan deleteDelay,
        long targetBytes,
        ILogger logger,
        BlockWriterOptions? writerOptions = null,
        MetricsScope? metrics = null,
        int maxInputs = 64)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetBytes, 1);
        _dataDirectory = dataDirectory;
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _targetBytes = targetBytes;
        _maxInputs = maxInputs;
        _writerOptions = writerOptions ?? new BlockWriterOptions();
        _metrics = new CompactionMetrics(metrics ?? new MetricsScope());
        _replacement = new BlockReplacement(dataDirectory, catalog, new RetentionAuditLog(dataDirectory), time, deleteDelay, logger);
    }

    /// <summary>Files of compacted blocks waiting for the delete delay.</summary>
    public int PendingDeletes => _replacement.PendingDeletes;

    /// <summary>One pass: plans the merges from the catalog and performs them; returns how many blocks were merged away.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var replaced = 0;
        foreach (var run in CompactionPlanner.Plan(await _catalog.AllAsync(cancellationToken), _targetBytes, _maxInputs))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            replaced += await MergeAsync(run, cancellationToken);
            await Task.Delay(Stopwatch.GetElapsedTime(started), _time, cancellationToken);
        }

        DeleteDueFiles();
        return replaced;
    }

    /// <summary>Deletes the files of compacted blocks whose delete delay is over.</summary>
    public void DeleteDueFiles() => _metrics.DeletedFiles.Add(_replacement.DeleteDueFiles());

    /// <inheritdoc/>
    public void Dispose() => _metrics.Dispose();

    private async Task<int> MergeAsync(IReadOnlyList<BlockInfo> run, CancellationToken cancellationToken)
    {
        var inputs = new List<IReadOnlyList<BlockStreamInput>>(run.Count);
        var readable = new List<BlockInfo>(run.Count);
        var level = 0;
        long bytes = 0;
        foreach (var block in run)
        {
            var path = Path.Combine(_dataDirectory, block.Path);
            try
            {
                inputs.Add(BlockStreamReader.Read(path, BlockReader.ReadIndex(path), static _ => long.MinValue));
            }
            catch (Exception e) when (e is BlockCorruptException or IOException)
            {
                LogSkipped(_logger, block.Id, block.Tenant, e.Message);
                continue;
            }

            readable.Add(block);
            level = Math.Max(level, block.Level + 1);
            bytes += block.Bytes;
        }

        if (readable.Count < 2)
        {
            _metrics.Merges.Add(1, new KeyValuePair<string, object?>("outcome", "skipped"));
            return 0;
        }

        var (written, conflict) = await _replacement.MergeAsync(readable, StreamMerger.Merge(inputs), level, _time.GetUtcNow(), _writerOptions, cancellationToken);
        if (written is null)
        {
            // Retention or a delete replaced one of the inputs meanwhile: the next pass plans again.
            _metrics.Merges.Add(1, new KeyValuePair<string, object?>("outcome", "conflict"));
            LogConflict(_logger, readable[0].Tenant, conflict ?? "");
            return 0;
        }

        _metrics.Merges.Add(1, new KeyValuePair<string, object?>("outcome", "merged"));
        _metrics.InputBlocks.Add(readable.Count);
        _metrics.InputBytes.Add(bytes);
        LogMerged(_logger, readable.Count, readable[0].Tenant, bytes, written.Id, written.Bytes, level);
        return readable.Count;
    }

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Compaction merged {Count} blocks of tenant {Tenant} ({Bytes} bytes) into {BlockId} ({NewBytes} bytes, level {Level})")]
    private static partial void LogMerged(ILogger logger, int count, string tenant, long bytes, string blockId, long newBytes, int level);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Compaction left block {BlockId} of tenant {Tenant} out of its merge: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string blockId, string tenant, string reason);

    [LoggerMessage(EventId = 403, Level = LogLevel.Information, Message = "Compaction of tenant {Tenant} lost a race with another rewrite and will plan again: {Reason}")]
    private static partial void LogConflict(ILogger logger, string tenant, string reason);
}
