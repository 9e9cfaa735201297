using Loggia.Core.Diagnostics;
using Loggia.Server.Configuration;
using Loggia.Storage.Blocks;
using Loggia.Storage.Catalog;
using Loggia.Storage.Compaction;
using Loggia.Storage.Retention;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loggia.Server.Storage;

/// <summary>
/// Loki's compactor: every <c>compactor.compaction_interval</c>, retention (when <c>compactor.retention_enabled</c>),
/// then the delete requests whose cancellation period is over (<see cref="DeleteRequestProcessor"/>), then the
/// merging of small blocks (<see cref="BlockCompactor"/>, when <c>compactor.compaction_target_size</c> is not 0).
/// </summary>
/// <remarks>One after the other in one loop, so that two of them never replace the same block at once.</remarks>
public sealed partial class CompactorService(StorageEngine storage, DeleteRequestRegistry deletes, LoggiaOptions options, TimeProvider time, ILoggerFactory loggers, MetricsScope metrics) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<CompactorService>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var compacting = options.CompactionTargetSizeBytes > 0;
        if (!options.RetentionEnabled && !compacting)
        {
            return;
        }

        var policies = new RetentionPolicies(options);
        var writerOptions = new BlockWriterOptions { CompressionLevel = options.CompactionCompressionLevel, BloomFalsePositiveRate = options.BloomFalsePositiveRate, TermIndex = options.TermIndexEnabled };
        using var enforcer = new RetentionEnforcer(storage.DataDirectory, storage.Catalog, policies.For, time, options.RetentionDeleteDelay,
            loggers.CreateLogger("Loggia.Retention"), writerOptions, metrics);
        var deleter = new DeleteRequestProcessor(storage, deletes, time, options.DeleteRequestCancelPeriod, options.RetentionDeleteDelay,
            writerOptions, loggers.CreateLogger("Loggia.Deletes"));
        using var compactor = new BlockCompactor(storage.DataDirectory, storage.Catalog, time, options.RetentionDeleteDelay,
            Math.Max(1, options.CompactionTargetSizeBytes), loggers.CreateLogger("Loggia.Compaction"), writerOptions, metrics);
        var interval = options.CompactionInterval > TimeSpan.Zero ? options.CompactionInterval : TimeSpan.FromMinutes(10);
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                if (options.RetentionEnabled)
                {
                    await enforcer.RunAsync(stoppingToken);
                    await deleter.RunAsync(stoppingToken);
                }

                if (compacting)
                {
                    await compactor.RunAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CatalogException or BlockCorruptException)
            {
                // Nothing is lost by a failed pass: the catalog swap is the last step of every rewrite. The next tick retries.
                LogPassFailed(_logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "compactor pass (retention, deletes, compaction) failed; will retry")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
