using System.Diagnostics.Metrics;
using Loggia.Core.Diagnostics;
using Loggia.Server.Configuration;
using Loggia.Storage.Backup;
using Loggia.Storage.Catalog;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loggia.Server.Storage;

/// <summary>
/// Scheduled online backups (<c>backup.directory</c>, <c>backup.interval</c>, <c>backup.keep</c>): every interval a
/// snapshot of the data directory is taken beside the running server (<see cref="BackupWriter"/>), then old snapshots
/// are pruned. Outcomes are logged and counted in <c>loggia_backups_total{outcome}</c>; the time of the last good
/// snapshot is <c>loggia_backup_last_success_timestamp_seconds</c>, for an alert on backups that stopped.
/// </summary>
public sealed partial class BackupService : BackgroundService
{
    private readonly LoggiaOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Meter _meter;
    private readonly Counter<long> _backups;
    private long _lastSuccessUnixSeconds;

    /// <summary>Creates the service; it does nothing unless a backup directory and interval are configured.</summary>
    public BackupService(LoggiaOptions options, TimeProvider time, ILoggerFactory loggers, MetricsScope metrics)
    {
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger<BackupService>();
        _meter = metrics.CreateMeter("Loggia.Backup");
        _backups = _meter.CreateCounter<long>("loggia_backups_total", "{backup}", "Scheduled backups, by outcome (ok, failed).");
        _meter.CreateObservableGauge("loggia_backup_last_success_timestamp_seconds", () => Volatile.Read(ref _lastSuccessUnixSeconds), "s", "Unix time of the last scheduled backup that succeeded (0: none yet).");
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.BackupDirectory.Length == 0 || _options.BackupInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.BackupInterval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // Copying blocks is blocking file IO: keep it off the request threads' queue.
                var summary = await Task.Run(() => BackupWriter.CreateAsync(_options.DataDirectory, _options.BackupDirectory, _time, stoppingToken), stoppingToken);
                var pruned = _options.BackupKeep > 0 ? BackupWriter.Prune(_options.BackupDirectory, _options.BackupKeep) : 0;
                Volatile.Write(ref _lastSuccessUnixSeconds, _time.GetUtcNow().ToUnixTimeSeconds());
                _backups.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
                LogBackupTaken(_logger, summary.Snapshot, summary.Blocks, summary.BlocksCopied, summary.BytesCopied, summary.WalSegments, pruned);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CatalogException or InvalidDataException)
            {
                _backups.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
                LogBackupFailed(_logger, e, _options.BackupDirectory);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "backup snapshot {Snapshot} taken: {Blocks} blocks ({Copied} copied, {Bytes} bytes), {WalSegments} WAL segments; {Pruned} old snapshots pruned")]
    private static partial void LogBackupTaken(ILogger logger, string snapshot, int blocks, int copied, long bytes, int walSegments, int pruned);

    [LoggerMessage(Level = LogLevel.Error, Message = "scheduled backup to {Directory} failed; the next interval retries")]
    private static partial void LogBackupFailed(ILogger logger, Exception exception, string directory);
}
