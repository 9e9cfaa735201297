using Loggia.Storage.Head;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Loggia.Server.Storage;

/// <summary>Flushes due head data into blocks every few seconds.</summary>
public sealed partial class FlushService(StorageEngine storage, ILogger<FlushService> logger) : BackgroundService
{
    /// <summary>How often the head is checked for data due to be flushed: often, so that a tenant past its flush size is flushed before the head outgrows its budget.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await storage.FlushAsync(HeadFlushMode.Due, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Loggia.Storage.Catalog.CatalogException)
            {
                // Nothing is lost: the data stays in the head and the WAL, and the next tick retries.
                LogFlushFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "flush failed; will retry")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}
