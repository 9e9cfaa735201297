using Loggia.Server.Configuration;
using Loggia.Storage.Blocks;
using Loggia.Storage.Catalog;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loggia.Server.Storage;

/// <summary>
/// Keeps the term index in line with the catalog (ADR 0005): at start (the repair after a crash or after blocks
/// changed while the index was off) and every <c>storage.term_index_refresh_interval</c>, the tenant-day segments whose
/// block set changed — by flushes, compaction, retention or deletes — are rebuilt from the blocks' term files.
/// </summary>
public sealed partial class TermIndexService(StorageEngine storage, LoggiaOptions options, TimeProvider time, ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<TermIndexService>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.TermIndexEnabled)
        {
            return;
        }

        var interval = options.TermIndexRefreshInterval > TimeSpan.Zero ? options.TermIndexRefreshInterval : TimeSpan.FromMinutes(10);
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                // Off the request threads: a refresh reads term files and may rebuild them from block data.
                var built = await Task.Run(() => storage.TermIndex.RefreshAsync(storage.Catalog, time.GetUtcNow(), interval, stoppingToken), stoppingToken);
                if (built > 0)
                {
                    LogRefreshed(_logger, built);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CatalogException or BlockCorruptException or InvalidDataException)
            {
                // The index is derived data: queries fall back to reading blocks. The next tick retries.
                LogRefreshFailed(_logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "term index: {Segments} tenant-day segments rebuilt")]
    private static partial void LogRefreshed(ILogger logger, int segments);

    [LoggerMessage(Level = LogLevel.Error, Message = "term index refresh failed; will retry")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
