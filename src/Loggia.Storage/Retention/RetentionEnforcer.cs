using Loggia.Core.Diagnostics;
using Loggia.Core.Model;
using Loggia.Storage.Blocks;
using Loggia.Storage.Catalog;
using Microsoft.Extensions.Logging;

namespace Loggia.Storage.Retention;

/// <summary>
/// Applies retention to published blocks: a block whose every entry has expired is removed from the catalog, a
/// block with some expired entries is replaced by one written without them, and both are recorded in the
/// <see cref="RetentionAuditLog"/>. An entry expires when it is older than the period of its stream
/// (<see cref="TenantRetention"/>), measured from the start of the pass.
/// </summary>
/// <remarks>
/// Crash-safe through <see cref="BlockReplacement"/>: replacement fsynced, one atomic catalog swap, audit record,
/// old files deleted after the delete delay (Loki's <c>retention_delete_delay</c>). Not thread-safe: one pass at a time.
/// </remarks>
public sealed class RetentionEnforcer : IDisposable
{
    private readonly string _dataDirectory;
    private readonly IBlockCatalog _catalog;
    private readonly Func<string, TenantRetention> _policyFor;
    private readonly TimeProvider _time;
    private readonly BlockWriterOptions _writerOptions;
    private readonly ILogger _logger;
    private readonly RetentionMetrics _metrics;
    private readonly BlockReplacement _replacement;

    public RetentionEnforcer(
        string dataDirectory,
        IBlockCatalog catalog,
        Func<string, TenantRetention> policyFor,
        TimeProvider time,
        TimeSpan deleteDelay,
        ILogger logger,
        BlockWriterOptions? writerOptions = null,
        MetricsScope? metrics = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        _metrics = new RetentionMetrics(metrics ?? new MetricsScope());
        _dataDirectory = dataDirectory;
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _policyFor = policyFor ?? throw new ArgumentNullException(nameof(policyFor));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _writerOptions = writerOptions ?? new BlockWriterOptions();
        _replacement = new BlockReplacement(dataDirectory, catalog, new RetentionAuditLog(dataDirectory), time, deleteDelay, logger);
    }

    /// <summary>The audit log this enforcer appends to.</summary>
    public RetentionAuditLog Audit => _replacement.Audit;

    /// <summary>Files of removed blocks waiting for the delete delay.</summary>
    public int PendingDeletes => _replacement.PendingDeletes;

    /// <summary>One pass over every tenant; returns what it changed. Then deletes the files whose delay is over.</summary>
    public async Task<IReadOnlyList<RetentionRecord>> RunAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var nowNanos = ToNanos(now);
        var changes = new List<RetentionRecord>();
        foreach (var tenant in await _catalog.TenantsAsync(cancellationToken))
        {
            var policy = _policyFor(tenant);
            if (policy.ShortestPeriod <= TimeSpan.Zero)
            {
                continue;
            }
            // Only blocks that start before the shortest period can hold an expired entry.
            var horizon = nowNanos - ToNanos(policy.ShortestPeriod);
            foreach (var block in await _catalog.FindAsync(tenant, long.MinValue, horizon - 1, cancellationToken))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (await ApplyAsync(block, policy, now, nowNanos, cancellationToken) is { } record)
                {
                    changes.Add(record);
                }
            }
        }
        DeleteDueFiles();
        return changes;
    }

    /// <summary>Deletes the files of removed blocks whose delete delay is over.</summary>
    public void DeleteDueFiles() => _metrics.DeletedFiles.Add(_replacement.DeleteDueFiles());

    private async Task<RetentionRecord?> ApplyAsync(BlockInfo block, TenantRetention policy, DateTimeOffset now, long nowNanos, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_dataDirectory, block.Path);
        BlockIndex index;
        try
        {
            index = BlockReader.ReadIndex(path);
        }
        catch (Exception e) when (e is BlockCorruptException or IOException)
        {
            // fsck's business: retention never deletes what it cannot read.
            Skip(block, e.Message);
            return null;
        }

        var keepFrom = new Dictionary<ulong, long>(index.Streams.Count);
        var streams = new List<RetentionStreamRecord>();
        var everything = true;
        var anything = false;
        foreach (var stream in index.Streams)
        {
            var (period, rule) = policy.For(Labels.Parse(stream.Labels));
            var cutoff = period <= TimeSpan.Zero ? long.MinValue : nowNanos - ToNanos(period);
            keepFrom[stream.Fingerprint] = cutoff;
            if (stream.MinTime >= cutoff)
            {
                everything = false;
                continue;
            }
            anything = true;
            everything &= stream.MaxTime < cutoff;
            streams.Add(new RetentionStreamRecord(stream.Labels, rule?.Selector ?? "retention_period", period, cutoff,
                stream.MaxTime < cutoff ? stream.RowCount : -1));
        }
        if (!anything)
        {
            return null;
        }

        IReadOnlyList<BlockStreamInput> remaining = [];
        long kept = 0;
        if (!everything)
        {
            try
            {
                remaining = BlockStreamReader.Read(path, index, s => keepFrom[s.Fingerprint]);
            }
            catch (BlockCorruptException e)
            {
                Skip(block, e.Message);
                return null;
            }
            var keptByStream = new Dictionary<ulong, long>();
            foreach (var s in remaining)
            {
                keptByStream[s.Fingerprint] = s.Entries.Count;
                kept += s.Entries.Count;
            }
            // Exact counts for the partly expired streams, now that they were read.
            for (var i = 0; i < streams.Count; i++)
            {
                if (streams[i].RowsDeleted < 0)
                {
                    var range = FindStream(index, streams[i].Labels);
                    streams[i] = streams[i] with { RowsDeleted = range.RowCount - keptByStream.GetValueOrDefault(range.Fingerprint) };
                }
            }
        }

        var (record, conflict) = await _replacement.ReplaceAsync(block, remaining, now, _writerOptions, replacement =>
            new RetentionRecord(now, block.Tenant, block.Id, replacement is null ? RetentionAction.Dropped : RetentionAction.Rewritten, replacement?.Id, block.Rows - kept, kept, streams),
            cancellationToken);
        if (record is null)
        {
            // Another writer (compaction) replaced the block meanwhile: its successor is judged on the next pass.
            Skip(block, conflict ?? "conflict");
            return null;
        }

        _metrics.Blocks.Add(1, new KeyValuePair<string, object?>("action", record.Action == RetentionAction.Dropped ? "dropped" : "rewritten"));
        _metrics.DeletedEntries.Add(record.RowsDeleted);
        RetentionLog.Applied(_logger, record.Action, block.Id, block.Tenant, record.RowsDeleted, kept);
        return record;
    }

    private static BlockStreamRange FindStream(BlockIndex index, string labels)
    {
        foreach (var s in index.Streams)
        {
            if (s.Labels == labels)
            {
                return s;
            }
        }
        throw new InvalidOperationException("stream vanished from the index");
    }

    private void Skip(BlockInfo block, string reason)
    {
        _metrics.Blocks.Add(1, new KeyValuePair<string, object?>("action", "skipped"));
        RetentionLog.Skipped(_logger, block.Id, block.Tenant, reason);
    }

    private static long ToNanos(DateTimeOffset instant) => (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    private static long ToNanos(TimeSpan span) => span.Ticks * 100;

    public void Dispose() => _metrics.Dispose();
}
