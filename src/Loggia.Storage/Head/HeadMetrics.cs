using System.Diagnostics.Metrics;
using Loggia.Core.Diagnostics;

namespace Loggia.Storage.Head;

/// <summary>The head's instruments (meter <c>Loggia.Head</c>).</summary>
internal sealed class HeadMetrics : IDisposable
{
    public const string MeterName = "Loggia.Head";

    private readonly Meter _meter;

    public HeadMetrics(MetricsScope scope, Func<long> bytes, Func<long> entries, Func<long> streams)
    {
        _meter = scope.CreateMeter(MeterName);
        _meter.CreateObservableGauge("loggia_head_bytes", bytes, "By", "Line plus structured-metadata bytes held in the head.");
        _meter.CreateObservableGauge("loggia_head_entries", entries, "{entry}", "Entries held in the head.");
        _meter.CreateObservableGauge("loggia_head_streams", streams, "{stream}", "Streams held in the head.");
        Appended = _meter.CreateCounter<long>("loggia_head_appended_entries_total", "{entry}", "Entries stored in the head.");
        Deduplicated = _meter.CreateCounter<long>("loggia_head_deduplicated_entries_total", "{entry}", "Entries dropped as exact duplicates (same stream, timestamp and line).");
        Rejected = _meter.CreateCounter<long>("loggia_head_rejected_entries_total", "{entry}", "Entries rejected by the head, by reason.");
    }

    /// <summary>This head's meter (tests tell heads apart by it).</summary>
    public Meter Meter => _meter;

    public Counter<long> Appended { get; }

    public Counter<long> Deduplicated { get; }

    public Counter<long> Rejected { get; }

    public void Dispose() => _meter.Dispose();
}
