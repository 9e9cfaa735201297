using System.Diagnostics.Metrics;
using Loggia.Core.Diagnostics;
using Loggia.Core.Model;

namespace Loggia.Ingest;

/// <summary>
/// Ingest counters on the <c>Loggia.Ingest</c> meter: <c>loggia_discarded_samples_total</c> and
/// <c>loggia_discarded_bytes_total</c>, tagged with <c>reason</c> (Loki's reason names) and <c>tenant</c>.
/// Nothing is dropped silently: every rejected entry is counted here.
/// </summary>
public sealed class IngestMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Loggia.Ingest";

    private readonly Meter _meter;
    private readonly Counter<long> _discardedSamples;
    private readonly Counter<long> _discardedBytes;

    /// <summary>Creates the counters on a meter of <paramref name="scope"/> (a private scope when null).</summary>
    public IngestMetrics(MetricsScope? scope = null)
    {
        _meter = (scope ?? new MetricsScope()).CreateMeter(MeterName);
        _discardedSamples = _meter.CreateCounter<long>("loggia_discarded_samples_total", "{entry}", "Log entries discarded, by reason and tenant.");
        _discardedBytes = _meter.CreateCounter<long>("loggia_discarded_bytes_total", "By", "Bytes of discarded log entries (line plus structured metadata), by reason and tenant.");
    }

    /// <summary>Counts <paramref name="entries"/> entries of <paramref name="bytes"/> bytes discarded for <paramref name="reason"/>.</summary>
    public void RecordDiscarded(string reason, TenantId tenant, long entries, long bytes)
    {
        var reasonTag = new KeyValuePair<string, object?>("reason", reason);
        var tenantTag = new KeyValuePair<string, object?>("tenant", tenant.Value);
        _discardedSamples.Add(entries, reasonTag, tenantTag);
        _discardedBytes.Add(bytes, reasonTag, tenantTag);
    }

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}
