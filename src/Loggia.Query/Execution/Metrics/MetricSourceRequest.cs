namespace Loggia.Query.Execution.Metrics;

/// <summary>
/// What one range aggregation reads: its streams and time range (<c>[start − range − offset, end − offset]</c>,
/// end included, so <see cref="LogScanRequest.EndNanos"/> is one nanosecond past it) and the pipeline's leading line
/// filters, which sources may run while scanning.
/// </summary>
/// <param name="Scan">Tenant, stream matcher, time range and direction.</param>
/// <param name="LineFilters">The leading line filters of the range's pipeline.</param>
public sealed record MetricSourceRequest(LogScanRequest Scan, LinePipeline LineFilters);

/// <summary>Opens the sources a range aggregation scans (the head and the blocks overlapping its time range).</summary>
public delegate ValueTask<IReadOnlyList<ILogSource>> MetricSourceProvider(MetricSourceRequest request, CancellationToken cancellationToken);
