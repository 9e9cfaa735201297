using System.Diagnostics.Metrics;
using Loggia.Core.Diagnostics;
using Loggia.Query.Sources;
using Microsoft.Extensions.Logging;

namespace Loggia.Server.Http;

/// <summary>
/// What the server does when a query meets a block it cannot read: logs a warning naming the block and counts it in
/// <c>loggia_query_corrupt_blocks_total</c>. The query itself goes on with the healthy data (docs/integrity.md).
/// </summary>
public sealed partial class UnreadableBlockReporter : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _skipped;
    private readonly ILogger _logger;

    /// <summary>Creates the reporter with its counter on a meter of <paramref name="scope"/>.</summary>
    public UnreadableBlockReporter(ILoggerFactory loggers, MetricsScope scope)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentNullException.ThrowIfNull(scope);
        _logger = loggers.CreateLogger("Loggia.Query");
        _meter = scope.CreateMeter("Loggia.Query.Integrity");
        _skipped = _meter.CreateCounter<long>("loggia_query_corrupt_blocks_total", "{block}",
            "Blocks a read request skipped because they were damaged, truncated or missing (counted once per request).");
    }

    /// <summary>A collector for one request whose every skipped block is logged and counted.</summary>
    public UnreadableBlocks NewRequest() => new(Report);

    private void Report(UnreadableBlock block)
    {
        _skipped.Add(1);
        LogUnreadable(_logger, block.Path, block.Reason);
    }

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "skipped unreadable block {Path} in a query: {Reason} (run `loggia fsck` to check and quarantine it)")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);
}
