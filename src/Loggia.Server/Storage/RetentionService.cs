using Loggia.Core.Diagnostics;
using Loggia.Server.Configuration;
using Loggia.Storage.Blocks;
using Loggia.Storage.Catalog;
using Loggia.Storage.Retention;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loggia.Server.Storage;

/// <summary>Runs retention every <c>compactor.compaction_interval</c> when <c>compactor.retention_enabled</c> is set.</summary>
/// <remarks>Each pass also processes the delete requests whose cancellation period is over (<see cref="DeleteRequestProcessor"/>), after retention, so the two never replace the same block at once.</remarks>
public sealed partial class RetentionService(StorageEngine storage, DeleteRequestRegistry deletes, LoggiaOptions options, TimeProvider time, ILoggerFactory loggers, MetricsScope metrics) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<RetentionService>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.RetentionEnabled)
        {
            return;
        }
        var policies = new RetentionPolicies(options);
        var writerOptions = new BlockWriterOptions { CompressionLevel = options.FlushCompressionLevel, BloomFalsePositiveRate = options.BloomFalsePositiveRate };
        using var enforcer = new RetentionEnforcer(storage.DataDirectory, storage.Catalog, policies.For, time, options.RetentionDeleteDelay,
            loggers.CreateLogger("Loggia.Retention"), writerOptions, metrics);
        var deleter = new DeleteRequestProcessor(storage, deletes, time, options.DeleteRequestCancelPeriod, options.RetentionDeleteDelay,
            writerOptions, loggers.CreateLogger("Loggia.Deletes"));
        var interval = options.CompactionInterval > TimeSpan.Zero ? options.CompactionInterval : TimeSpan.FromMinutes(10);
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                await enforcer.RunAsync(stoppingToken);
                await deleter.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CatalogException or BlockCorruptException)
            {
                // Nothing is deleted by a failed pass: the catalog swap is the last step. The next tick retries.
                LogRetentionFailed(_logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "retention pass failed; will retry")]
    private static partial void LogRetentionFailed(ILogger logger, Exception exception);
}
