using System.Diagnostics.Metrics;
using Loggia.Core.Diagnostics;
using System.Globalization;
using Loggia.Core.Model;
using Loggia.Server.Configuration;
using Loggia.Storage;
using Loggia.Storage.Blocks;
using Loggia.Storage.Catalog;
using Loggia.Storage.Head;
using Loggia.Storage.TermIndex;
using Loggia.Storage.Wal;
using Microsoft.Extensions.Logging;

namespace Loggia.Server.Storage;

/// <summary>
/// The storage of one server: WAL, head, block files and catalog under the data directory.
/// Opening recovers: orphan block files (not in the catalog) are deleted, and the WAL records
/// after the published position are replayed into the head. <see cref="FlushAsync"/> moves head
/// data into published blocks and releases the WAL behind them.
/// </summary>
public sealed partial class StorageEngine : IAsyncDisposable
{
    /// <summary>Catalog state key of the WAL position before which every record is in published blocks.</summary>
    internal const string PublishedUpToKey = "wal.published_up_to";

    private readonly ILogger _logger;
    private readonly SemaphoreSlim _flushLock = new(1, 1);
    private readonly Meter _meter;
    private readonly Counter<long> _flushes;
    private readonly Counter<long> _flushedBytes;
    private readonly Counter<long> _flushFailures;
    private readonly Histogram<double> _flushDuration;

    private StorageEngine(string dataDirectory, SqliteBlockCatalog catalog, Head head, WriteAheadLog wal, LoggiaOptions options, ILogger logger, MetricsScope metrics)
    {
        _meter = metrics.CreateMeter("Loggia.Flush");
        _flushes = _meter.CreateCounter<long>("loggia_flushes_total", description: "Blocks flushed from the head, by reason.");
        _flushedBytes = _meter.CreateCounter<long>("loggia_flushed_bytes_total", description: "Bytes of block files written by flushes.");
        _flushFailures = _meter.CreateCounter<long>("loggia_flush_failures_total", description: "Flushes that failed (their data stays in the head and the WAL).");
        _flushDuration = _meter.CreateHistogram<double>("loggia_flush_duration_seconds", description: "Time to write and publish one block.");
        DataDirectory = dataDirectory;
        Catalog = catalog;
        DeleteRequests = catalog;
        Head = head;
        Wal = wal;
        Options = options;
        _logger = logger;
        TermIndex = new TermHourIndex(dataDirectory, metrics);
    }

    /// <summary>Absolute data directory.</summary>
    public string DataDirectory { get; }

    public IBlockCatalog Catalog { get; }

    /// <summary>Delete requests, kept in the same catalog database as the blocks.</summary>
    public IDeleteRequestStore DeleteRequests { get; }

    public Head Head { get; }

    public WriteAheadLog Wal { get; }

    public LoggiaOptions Options { get; }

    /// <summary>The term → hour index over the published blocks (derived data, ADR 0005).</summary>
    public TermHourIndex TermIndex { get; }

    /// <summary>Opens (and recovers) the storage under <see cref="LoggiaOptions.DataDirectory"/>.</summary>
    public static async Task<StorageEngine> OpenAsync(LoggiaOptions options, ILoggerFactory loggers, TimeProvider time, MetricsScope metrics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        var logger = loggers.CreateLogger("Loggia.Storage");
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var catalog = await SqliteBlockCatalog.OpenAsync(Path.Combine(dataDirectory, DataDirectoryLayout.CatalogFile), cancellationToken);
        try
        {
            foreach (var orphan in OrphanFiles.Find(dataDirectory, await catalog.AllAsync(cancellationToken)))
            {
                LogOrphanRemoved(logger, orphan);
                File.Delete(orphan);
            }

            var publishedUpTo = ParsePosition(await catalog.GetStateAsync(PublishedUpToKey, cancellationToken));
            var head = new Head(new HeadOptions
            {
                MaxChunkAge = options.MaxChunkAge,
                ChunkIdlePeriod = options.ChunkIdlePeriod,
                MaxTenantBytes = options.HeadFlushSizeBytes,
                TimeProvider = time,
                Metrics = metrics,
            });
            var wal = WriteAheadLog.Open(
                new WalOptions
                {
                    DirectoryPath = Path.Combine(dataDirectory, DataDirectoryLayout.WalDirectory),
                    SegmentSizeBytes = options.WalSegmentSizeBytes,
                    SyncMode = options.WalSyncMode == "none" ? WalSyncMode.None : WalSyncMode.Fsync,
                    Logger = loggers.CreateLogger("Loggia.Wal"),
                    TimeProvider = time,
                    Metrics = metrics,
                },
                record => head.Replay(record, publishedUpTo));
            LogRecovered(logger, wal.Recovery.RecordsReplayed, head.Entries, dataDirectory);
            return new StorageEngine(dataDirectory, catalog, head, wal, options, logger, metrics);
        }
        catch
        {
            await catalog.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Flushes head data into blocks: what is due (size, age, idleness) or, with
    /// <see cref="HeadFlushMode.All"/>, everything. Also flushes everything when the WAL outgrows its limit.
    /// </summary>
    public async Task FlushAsync(HeadFlushMode mode, CancellationToken cancellationToken)
    {
        if (mode == HeadFlushMode.Due && Wal.TotalBytes > Options.WalMaxSizeBytes)
        {
            mode = HeadFlushMode.All;
        }

        await _flushLock.WaitAsync(cancellationToken);
        try
        {
            foreach (var tenant in Head.Tenants())
            {
                while (Head.TakeFlushable(tenant, mode) is { } flush)
                {
                    await FlushOneAsync(tenant, flush, cancellationToken);
                }
            }
        }
        finally
        {
            _flushLock.Release();
        }
    }

    private async Task FlushOneAsync(TenantId tenant, HeadFlush flush, CancellationToken cancellationToken)
    {
        WrittenBlock block;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            block = BlockWriter.Write(DataDirectory, tenant.Value, flush.Streams, new BlockWriterOptions { CompressionLevel = Options.FlushCompressionLevel, BloomFalsePositiveRate = Options.BloomFalsePositiveRate, TermIndex = Options.TermIndexEnabled });
            Head.RegisterBlock(flush, block.Id);
            var info = block.ToBlockInfo(DateTimeOffset.UtcNow, level: 0);
            await Catalog.PublishAsync(info, cancellationToken);
        }
        catch
        {
            Head.AbortFlush(flush);
            _flushFailures.Add(1);
            throw;
        }

        var last = Wal.LastPosition;
        Head.CompleteFlush(flush);
        var floor = Head.UnflushedWalFloor();
        var lowest = floor is { } f && f < last ? f : last;

        // Every entry still in the head was appended after the record at its floor, so that record
        // (and all before it) is fully in published blocks: replay may start just after it.
        var publishedUpTo = new WalPosition(lowest.Segment, lowest.Offset + 1);
        await Catalog.SetStateAsync(PublishedUpToKey, FormatPosition(publishedUpTo), cancellationToken);
        Wal.ReleaseBefore(publishedUpTo);
        _flushes.Add(1, new KeyValuePair<string, object?>("reason", flush.Reason.ToString()));
        _flushedBytes.Add(block.Bytes);
        _flushDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        LogFlushed(_logger, block.Id, tenant.Value, flush.Entries, block.Bytes, flush.Reason);
    }

    private static WalPosition ParsePosition(string? text)
    {
        if (text is null)
        {
            return default;
        }

        var parts = text.Split(':');
        return parts.Length == 2 && ulong.TryParse(parts[0], CultureInfo.InvariantCulture, out var segment) && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var offset)
            ? new WalPosition(segment, offset)
            : default;
    }

    private static string FormatPosition(WalPosition position) =>
        string.Create(CultureInfo.InvariantCulture, $"{position.Segment}:{position.Offset}");

    /// <summary>Flushes everything into blocks and closes the WAL and catalog.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await FlushAsync(HeadFlushMode.All, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or CatalogException)
        {
            // The WAL still holds everything: it is replayed at the next start.
            LogShutdownFlushFailed(_logger, e);
        }

        await Wal.DisposeAsync();
        await Catalog.DisposeAsync();
        TermIndex.Dispose();
        Head.Dispose();
        _flushLock.Dispose();
        _meter.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "removed orphan block file {Path} (its publish never completed)")]
    private static partial void LogOrphanRemoved(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "storage recovered: {Records} WAL records replayed, {Entries} entries in the head, data in {Directory}")]
    private static partial void LogRecovered(ILogger logger, long records, long entries, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "flushed block {BlockId} for tenant {Tenant}: {Entries} entries, {Bytes} bytes ({Reason})")]
    private static partial void LogFlushed(ILogger logger, string blockId, string tenant, long entries, long bytes, HeadFlushReason reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "flush at shutdown failed; the WAL will be replayed at the next start")]
    private static partial void LogShutdownFlushFailed(ILogger logger, Exception exception);
}
